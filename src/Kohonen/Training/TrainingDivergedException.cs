namespace Kohonen;

/// <summary>
/// Training stopped because the weights stopped being finite numbers. The online Mexican hat can do
/// this: its negative ring pushes nodes away from the input, and with a high learning rate or a wide
/// radius the push compounds until the weights overflow. The message names the iteration and what to
/// change.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for iteration <paramref name="iteration"/> (1-based).</summary>
    public TrainingDivergedException(int iteration, SomOptions options)
        : base(
            $"Training diverged: the weights overflowed during iteration {iteration} of {options?.Iterations}. "
            + (options?.Neighborhood == Neighborhood.MexicanHat
                ? "The Mexican hat pushes nodes away from the input; lower the learning rate or the radius (sigma), or use another neighbourhood."
                : "Lower the learning rate, or check the data's scale (consider scaling)."))
    {
        Iteration = iteration;
    }

    /// <summary>Creates an empty exception (for serializers and tooling).</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrainingDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The 1-based iteration during which the weights overflowed.</summary>
    public int Iteration { get; }
}
