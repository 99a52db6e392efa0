namespace Kohonen;

/// <summary>Which training algorithm runs.</summary>
public enum TrainingAlgorithm
{
    /// <summary>The classic online (sequential) Kohonen algorithm: one update per sample. The
    /// default.</summary>
    Online,

    /// <summary>Kohonen's batch map: per epoch every sample goes to its BMU, then every node becomes
    /// the neighbourhood-weighted mean of the samples.</summary>
    Batch,
}
