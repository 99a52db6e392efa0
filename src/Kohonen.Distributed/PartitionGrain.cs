using System.Diagnostics;

namespace Kohonen.Distributed;

/// <summary>
/// A partition's rows on the worker that activated it: read from the data file on first use, put in
/// the training space once the scaler is known, and the BMUs of the last epoch it searched (the
/// hints the next search passes over far nodes with). The arithmetic is the core's own, a range of
/// rows at a time.
/// Partitions are spread evenly over the workers (<see cref="PartitionPlacement"/>).
/// </summary>
[PartitionPlacement]
internal sealed class PartitionGrain(WorkerOptions worker) : Grain, IPartitionGrain
{
    private DataMatrix? _raw;
    private DataMatrix? _rows;
    private string _scaledWith = "";
    private int[] _bmus = [];
    private int _bmuEpoch = -1;

    private ParallelOptions Parallel => new() { MaxDegreeOfParallelism = worker.Threads ?? Environment.ProcessorCount };

    public Task<DataShape> DescribeAsync(string path)
    {
        try
        {
            using var reader = NpyRowReader.Open(worker.Resolve(path));
            return Task.FromResult(new DataShape { Rows = reader.Rows, Columns = reader.Columns, ColumnNames = [.. reader.ColumnNames] });
        }
        catch (Exception e) when (WorkerDataException.From(e) is WorkerDataException data)
        {
            throw data;
        }
    }

    public async Task<DataShape> DescribeTableAsync(string path, TableReading? reading)
    {
        try
        {
            return await DescribeAnyAsync(path, reading);
        }
        catch (Exception e) when (WorkerDataException.From(e) is WorkerDataException data)
        {
            throw data;
        }
    }

    private async Task<DataShape> DescribeAnyAsync(string path, TableReading? reading)
    {
        var full = worker.Resolve(path);
        if (TableFiles.IsParquet(path))
        {
            return await TableFiles.DescribeParquetAsync(full, reading ?? new TableReading());
        }

        if (TableFiles.IsText(path))
        {
            return await Task.Run(() => TableFiles.DescribeText(full, reading ?? new TableReading()));
        }

        if (reading is { Columns: not null } or { HasHeader: not null } or { Delimiter: not null })
        {
            throw new ArgumentException($"{path} is a .npy array: every column is a feature, and it has no header or separator; the columns, header and separator apply to CSV, TSV and Parquet files.", nameof(reading));
        }

        return await DescribeAsync(path);
    }

    public async Task<ColumnMoments> AddMomentsAsync(PartitionSpec spec, ColumnMoments incoming)
    {
        var raw = await RawAsync(spec);
        return await Task.Run(() =>
        {
            // As FeatureScaler.Fit's first pass: min, max and the sum in row order.
            var dim = raw.Columns;
            double[] min = [.. incoming.Min], max = [.. incoming.Max], sum = [.. incoming.Sum];
            for (var r = 0; r < raw.Rows; r++)
            {
                var row = raw.Row(r);
                for (var c = 0; c < dim; c++)
                {
                    double v = row[c];
                    min[c] = Math.Min(min[c], v);
                    max[c] = Math.Max(max[c], v);
                    sum[c] += v;
                }
            }

            return new ColumnMoments { Min = min, Max = max, Sum = sum, Rows = incoming.Rows + raw.Rows };
        });
    }

    public async Task<ColumnMoments> AddSquaresAsync(PartitionSpec spec, double[] mean, ColumnMoments incoming)
    {
        var raw = await RawAsync(spec);
        return await Task.Run(() =>
        {
            // As FeatureScaler.Fit's second pass.
            var dim = raw.Columns;
            double[] squares = [.. incoming.Sum];
            for (var r = 0; r < raw.Rows; r++)
            {
                var row = raw.Row(r);
                for (var c = 0; c < dim; c++)
                {
                    var d = row[c] - mean[c];
                    squares[c] += d * d;
                }
            }

            return new ColumnMoments { Min = incoming.Min, Max = incoming.Max, Sum = squares, Rows = incoming.Rows + raw.Rows };
        });
    }

    public async Task<double[]> RangeAsync(PartitionSpec spec)
    {
        var rows = await RowsInTrainingSpaceAsync(spec);
        var dim = rows.Columns;
        var range = new double[2 * dim];
        Array.Fill(range, double.PositiveInfinity, 0, dim);
        Array.Fill(range, double.NegativeInfinity, dim, dim);
        for (var r = 0; r < rows.Rows; r++)
        {
            var row = rows.Row(r);
            for (var f = 0; f < dim; f++)
            {
                range[f] = Math.Min(range[f], row[f]);
                range[dim + f] = Math.Max(range[dim + f], row[f]);
            }
        }

        return range;
    }

    public async Task<float[]> RowsAsync(PartitionSpec spec, int[] rows)
    {
        var data = await RowsInTrainingSpaceAsync(spec);
        var dim = data.Columns;
        var result = new float[rows.Length * dim];
        for (var i = 0; i < rows.Length; i++)
        {
            data.Row(rows[i]).CopyTo(result.AsSpan(i * dim, dim));
        }

        return result;
    }

    public async Task<TimeSpan> FindBmusAsync(PartitionSpec spec, int epoch, float[] codebook)
    {
        var rows = await RowsInTrainingSpaceAsync(spec);
        var clock = Stopwatch.StartNew();
        var hinted = _bmuEpoch == epoch - 1 && _bmus.Length == rows.Rows;
        if (_bmus.Length != rows.Rows)
        {
            _bmus = new int[rows.Rows];
        }

        _bmuEpoch = -1;
        var dim = rows.Columns;
        var bmus = _bmus;
        await Task.Run(() =>
        {
            var plan = BatchTrainer.Plan(dim, codebook.Length / dim, spec.TotalRows);
            BatchTrainer.FindBmus(new BatchTrainer.EpochSearch(codebook, dim, plan), rows, bmus, hinted, Parallel);
        });
        _bmuEpoch = epoch;
        return clock.Elapsed;
    }

    public async Task<EpochSums?> AddRowsAsync(PartitionSpec spec, int epoch, EpochSums incoming)
    {
        if (_bmuEpoch != epoch || _rows is null || _scaledWith != ScalerKey(spec))
        {
            return null;
        }

        var rows = _rows;
        var bmus = _bmus;
        var clock = Stopwatch.StartNew();
        double[] sums = [.. incoming.Sums], counts = [.. incoming.Counts];
        await Task.Run(() => BatchTrainer.AddRows(rows, bmus, sums, counts));
        return new EpochSums { Sums = sums, Counts = counts, Compute = clock.Elapsed };
    }

    public async Task<MeasureSums> MeasureAsync(PartitionSpec spec, float[] codebook, int width, int height, int topology, bool toroidal, MeasureSums incoming)
    {
        var rows = await RowsInTrainingSpaceAsync(spec);
        var grid = new Grid(width, height, (Topology)topology, toroidal);
        var threads = worker.Threads ?? Environment.ProcessorCount;
        var (distances, apart, count) = await Task.Run(() =>
            QualityMetrics.SumsOfCodebook(codebook, grid, rows.Columns, [rows], threads, (incoming.Distances, incoming.Apart, incoming.Rows)));
        return new MeasureSums { Distances = distances, Apart = apart, Rows = count };
    }

    public Task ReleaseAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    private static string ScalerKey(PartitionSpec spec) =>
        $"{spec.Path}|{spec.FirstRow}|{spec.Rows}|{spec.Scaling}|{string.Join(',', spec.Offset.Select(BitConverter.SingleToInt32Bits))}|{string.Join(',', spec.Factor.Select(BitConverter.SingleToInt32Bits))}";

    /// <summary>The partition's rows as in the file (read again if they were let go once scaled).</summary>
    private async Task<DataMatrix> RawAsync(PartitionSpec spec)
    {
        if (_raw is { } raw && raw.Rows == spec.Rows)
        {
            return raw;
        }

        try
        {
            return await ReadRawAsync(spec);
        }
        catch (Exception e) when (WorkerDataException.From(e) is WorkerDataException data)
        {
            throw data;
        }
    }

    private async Task<DataMatrix> ReadRawAsync(PartitionSpec spec)
    {

        var full = worker.Resolve(spec.Path);
        if (spec.Reading is not null)
        {
            // Missing values are refused by the reader itself, naming the line or row and the column.
            _raw = TableFiles.IsParquet(spec.Path)
                ? await Task.Run(() => TableFiles.ReadParquetAsync(full, spec))
                : await Task.Run(() => TableFiles.ReadText(full, spec));
            return _raw;
        }

        _raw = await Task.Run(() =>
        {
            using var reader = NpyRowReader.Open(worker.Resolve(spec.Path));
            var values = new float[(long)spec.Rows * reader.Columns];
            reader.Read(spec.FirstRowInFile, values);
            if (MissingValues.HasAny(values))
            {
                // The cluster's scaling, search and sums are those of complete rows.
                throw new DataFormatException($"{spec.Path}: rows {spec.FirstRowInFile + 1}..{spec.FirstRowInFile + spec.Rows} hold missing values (NaN); a cluster trains on complete rows only (fill them with kohonen impute, or train on one machine).", spec.Path);
            }

            return DataMatrix.Wrap(values, spec.Rows, reader.Columns, reader.ColumnNames);
        });
        return _raw;
    }

    /// <summary>The partition's rows scaled as the spec says (the core's own transform).</summary>
    private async Task<DataMatrix> RowsInTrainingSpaceAsync(PartitionSpec spec)
    {
        var key = ScalerKey(spec);
        if (_rows is { } rows && _scaledWith == key)
        {
            return rows;
        }

        var raw = await RawAsync(spec);
        _rows = spec.Scaling == (int)Scaling.None ? raw : new FeatureScaler((Scaling)spec.Scaling, spec.Offset, spec.Factor).Transform(raw);
        _scaledWith = key;
        _bmuEpoch = -1;
        if (!ReferenceEquals(_rows, raw))
        {
            _raw = null; // kept once, in the training space
        }

        return _rows;
    }
}
