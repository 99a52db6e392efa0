namespace Kohonen.Distributed;

/// <summary>
/// One partition of a training's rows, held in memory by the worker it is activated on (keyed by
/// "training id/partition index"). Every call carries the partition's <see cref="PartitionSpec"/>:
/// a partition activated anew (its worker died) reads its rows again and answers the same.
/// </summary>
public interface IPartitionGrain : IGrainWithStringKey
{
    /// <summary>The rows, columns and column names of the .npy file at <paramref name="path"/>.</summary>
    Task<DataShape> DescribeAsync(string path);

    /// <summary>The rows, columns and column names of the data file at <paramref name="path"/>: a
    /// .npy, CSV, TSV or Parquet file (by its extension), read as <paramref name="reading"/> says,
    /// with what was decided for a text file (header, separator) and where its rows start.</summary>
    Task<DataShape> DescribeTableAsync(string path, TableReading? reading);

    /// <summary>Adds this partition's raw rows, in row order, onto the scaler's first pass so far.</summary>
    Task<ColumnMoments> AddMomentsAsync(PartitionSpec spec, ColumnMoments incoming);

    /// <summary>Adds this partition's squared deviations from <paramref name="mean"/>, in row order,
    /// onto the scaler's second pass so far (<see cref="ColumnMoments.Sum"/>).</summary>
    Task<ColumnMoments> AddSquaresAsync(PartitionSpec spec, double[] mean, ColumnMoments incoming);

    /// <summary>Per column, the least and greatest value of the rows in the training space (min
    /// then max, features wide each).</summary>
    Task<double[]> RangeAsync(PartitionSpec spec);

    /// <summary>Rows of the partition in the training space, by index within the partition, one
    /// after the other.</summary>
    Task<float[]> RowsAsync(PartitionSpec spec, int[] rows);

    /// <summary>Finds the BMUs of the partition's rows against the epoch's codebook and keeps them
    /// (as hints for the next epoch, too); answers how long that took on the worker.</summary>
    Task<TimeSpan> FindBmusAsync(PartitionSpec spec, int epoch, float[] codebook);

    /// <summary>Adds the partition's rows onto the epoch's running sums, in row order, with the BMUs
    /// found for <paramref name="epoch"/>; null when this activation has not found them (it is new:
    /// call <see cref="FindBmusAsync"/> again first).</summary>
    Task<EpochSums?> AddRowsAsync(PartitionSpec spec, int epoch, EpochSums incoming);

    /// <summary>Measures the map against the partition's rows and adds the figures onto the
    /// measurement so far, in row order.</summary>
    Task<MeasureSums> MeasureAsync(PartitionSpec spec, float[] codebook, int width, int height, int topology, bool toroidal, MeasureSums incoming);

    /// <summary>Lets the partition go (its rows are freed when the worker deactivates it).</summary>
    Task ReleaseAsync();
}
