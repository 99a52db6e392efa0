
namespace Kohonen;

/// <summary>
/// The rows a training uses, in the training space (scaled when the options scale): all in memory,
/// or read from a file a chunk at a time (batch training of data larger than memory). Either way the
/// rows come in file order, so sums over them are the same whatever the chunking.
/// </summary>
internal abstract class TrainingData
{
    public abstract int Rows { get; }

    public abstract int Columns { get; }

    /// <summary>The rows in order, in chunks (one chunk when in memory).</summary>
    public abstract IEnumerable<DataMatrix> Chunks();

    /// <summary>One row, in the training space.</summary>
    public abstract void CopyRow(int row, Span<float> destination);

    /// <summary>All the rows at once, or null when they are streamed.</summary>
    public virtual DataMatrix? Whole => null;

    /// <summary>Rows held in memory.</summary>
    public sealed class InMemory(DataMatrix data) : TrainingData
    {
        public override int Rows => data.Rows;

        public override int Columns => data.Columns;

        public override DataMatrix Whole => data;

        public override IEnumerable<DataMatrix> Chunks() => [data];

        public override void CopyRow(int row, Span<float> destination) => data.Row(row).CopyTo(destination);
    }

    /// <summary>Rows read from a .npy file <paramref name="rowsPerChunk"/> at a time, scaled as they are read.</summary>
    public sealed class Streamed(NpyRowReader reader, int rowsPerChunk, FeatureScaler? scaler) : TrainingData
    {
        public override int Rows => reader.Rows;

        public override int Columns => reader.Columns;

        public override IEnumerable<DataMatrix> Chunks() =>
            reader.Chunks(rowsPerChunk).Select(c => Measurable(c.First, scaler is null ? c.Rows : scaler.Transform(c.Rows)));

        public override void CopyRow(int row, Span<float> destination)
        {
            reader.Read(row, destination);
            scaler?.Transform(destination, destination);
            Measurable(row, destination);
        }

        /// <summary>Refuses rows with a value beyond ±<see cref="DataMatrix.MaxMagnitude"/> after the scaler.</summary>
        private DataMatrix Measurable(long first, DataMatrix rows)
        {
            Measurable(first, rows.Values, rows.FirstBeyondRange());
            return rows;
        }

        private void Measurable(long first, ReadOnlySpan<float> values) => Measurable(first, values, DataMatrix.FirstBeyondRange(values));

        private void Measurable(long first, ReadOnlySpan<float> values, int index)
        {
            if (index >= 0)
            {
                var (row, column) = (first + (index / Columns), index % Columns);
                throw new DataFormatException(
                    $"{reader.Path}: row {row}, column {column} ('{reader.ColumnNames[column]}') is {values[index]:R}{(scaler is null ? "" : " after scaling")}; values must be within ±{DataMatrix.MaxMagnitude:R}{(scaler is null ? " (or scaled)" : "")}.",
                    reader.Path);
            }
        }
    }
}
