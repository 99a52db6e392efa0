namespace Kohonen.Tracking;

/// <summary>
/// The rows a <see cref="TrainingSession"/> trains on and measures its map with: a
/// <see cref="DataMatrix"/> in memory, or a <c>.npy</c> file read a chunk of rows at a time (the
/// batch algorithm; memory bounded by the chunk).
/// </summary>
public abstract class TrainingInput
{
    private protected TrainingInput()
    {
    }

    /// <summary>The number of rows.</summary>
    public abstract int Rows { get; }

    /// <summary>The number of features.</summary>
    public abstract int Columns { get; }

    /// <summary>Rows held in memory.</summary>
    /// <param name="data">The rows; they are not copied.</param>
    public static TrainingInput InMemory(DataMatrix data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new InMemoryRows(data);
    }

    /// <summary>Rows streamed from a <c>.npy</c> file, <paramref name="rowsPerChunk"/> at a time; the
    /// training is the batch algorithm, and measuring the map is one more pass over the file.</summary>
    /// <param name="source">The open file; the caller disposes it after the session.</param>
    /// <param name="rowsPerChunk">Rows read at a time, 1 or more.</param>
    public static TrainingInput Streamed(NpyRowReader source, int rowsPerChunk)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerChunk, 1);
        return new StreamedRows(source, rowsPerChunk);
    }

    /// <summary>Trains <paramref name="trainer"/>'s map on these rows.</summary>
    internal abstract SomModel Fit(SomTrainer trainer, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);

    /// <summary>The quantization and topographic errors of <paramref name="model"/> on these rows.</summary>
    internal abstract (double QuantizationError, double TopographicError) Measure(SomModel model);

    /// <summary>The quantization error of <paramref name="model"/> on these rows in the data's own
    /// units (<see cref="DataUnits.QuantizationError"/>).</summary>
    internal abstract double MeasureInDataUnits(SomModel model);

    private sealed class InMemoryRows(DataMatrix data) : TrainingInput
    {
        public override int Rows => data.Rows;

        public override int Columns => data.Columns;

        internal override SomModel Fit(SomTrainer trainer, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
            trainer.Fit(data, progress, cancellationToken);

        internal override (double QuantizationError, double TopographicError) Measure(SomModel model) =>
            QualityMetrics.OfTraining(model, data);

        internal override double MeasureInDataUnits(SomModel model) => DataUnits.QuantizationError(model, [data]);
    }

    private sealed class StreamedRows(NpyRowReader source, int rowsPerChunk) : TrainingInput
    {
        public override int Rows => source.Rows;

        public override int Columns => source.Columns;

        internal override SomModel Fit(SomTrainer trainer, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) =>
            trainer.Fit(source, rowsPerChunk, progress, cancellationToken);

        internal override (double QuantizationError, double TopographicError) Measure(SomModel model) =>
            QualityMetrics.OfTraining(model, source, rowsPerChunk);

        internal override double MeasureInDataUnits(SomModel model) =>
            DataUnits.QuantizationError(model, source.Chunks(rowsPerChunk).Select(c => c.Rows));
    }
}
