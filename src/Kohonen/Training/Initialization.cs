namespace Kohonen;

/// <summary>How the codebook is filled before training.</summary>
public enum Initialization
{
    /// <summary>Each weight uniform over its feature's range in the training data (after scaling).
    /// The default.</summary>
    Random,

    /// <summary>Each node takes a randomly chosen training sample (distinct samples while there are
    /// at least as many samples as nodes).</summary>
    Sample,

    /// <summary>The grid spans the plane of the data's first two principal components: node (x, y)
    /// gets mean + a·√λ₁·e₁ + b·√λ₂·e₂ with a, b running evenly over [−1, 1] along the longer and the
    /// shorter side. Deterministic given the data.</summary>
    Pca,

    /// <summary>The codebook was given: <see cref="SomTrainer.Fit(DataSource, ReadOnlyMemory{float}, IProgress{TrainingProgress}?, CancellationToken)"/>,
    /// <see cref="SomTrainer.Fit(DataSource, SomModel, IProgress{TrainingProgress}?, CancellationToken)"/> or
    /// <see cref="SomTrainer.Continue"/>. The trainer records it in the model; a training without a
    /// codebook refuses it.</summary>
    Given,
}
