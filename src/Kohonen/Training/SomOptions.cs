using System.Diagnostics.CodeAnalysis;

namespace Kohonen;

/// <summary>
/// Everything that decides how a map is trained. Immutable: each property checks its own range when
/// it is set (also in <c>with</c> expressions) and throws a <see cref="SomOptionsException"/> naming
/// the property and the allowed range; <see cref="Validate"/> checks the rules that involve several
/// properties and runs before any training.
/// </summary>
public sealed record SomOptions
{
    /// <summary>The largest width or height.</summary>
    public const int MaxSide = 65_536;

    /// <summary>The most iterations (or epochs).</summary>
    public const int MaxIterations = 100_000_000;

    /// <summary>The most threads.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The options with every default: the one place the defaults live, for the command line
    /// and the service to read.</summary>
    public static SomOptions Default { get; } = new();

    private readonly int _width = 10;
    private readonly int _height = 10;
    private readonly Topology _topology = Topology.Rectangular;
    private readonly Neighborhood _neighborhood = Neighborhood.Gaussian;
    private readonly int _iterations = 100;
    private readonly TrainingAlgorithm _algorithm = TrainingAlgorithm.Online;
    private readonly double _learningRate = 0.1;
    private readonly double? _sigma;
    private readonly Decay _learningRateDecay = Decay.ExponentialClassic;
    private readonly Decay _sigmaDecay = Decay.ExponentialClassic;
    private readonly Initialization _initialization = Initialization.Random;
    private readonly Scaling _scaling = Scaling.None;
    private readonly int? _maxDegreeOfParallelism;
    private readonly int _metricsEvery;
    private readonly double? _sigmaEnd;
    private readonly double? _learningRateEnd;
    private readonly DistanceMetric _distance = DistanceMetric.Euclidean;

    /// <summary>Number of columns, 1..65536. Default 10.</summary>
    public int Width { get => _width; init => _width = InRange(value, 1, MaxSide, nameof(Width)); }

    /// <summary>Number of rows, 1..65536. Default 10.</summary>
    public int Height { get => _height; init => _height = InRange(value, 1, MaxSide, nameof(Height)); }

    /// <summary>Cell shape. Default <see cref="Topology.Rectangular"/>.</summary>
    public Topology Topology { get => _topology; init => _topology = Defined(value, nameof(Topology)); }

    /// <summary>Whether the grid wraps around on both axes. Default false.</summary>
    public bool Toroidal { get; init; }

    /// <summary>The neighbourhood function θ(d, σ). Default <see cref="Neighborhood.Gaussian"/>.</summary>
    public Neighborhood Neighborhood { get => _neighborhood; init => _neighborhood = Defined(value, nameof(Neighborhood)); }

    /// <summary>T: passes over the data (online iterations, or batch epochs), 1..10⁸. Default 100.</summary>
    public int Iterations { get => _iterations; init => _iterations = InRange(value, 1, MaxIterations, nameof(Iterations)); }

    /// <summary>Online (the classic algorithm, default) or batch.</summary>
    public TrainingAlgorithm Algorithm { get => _algorithm; init => _algorithm = Defined(value, nameof(Algorithm)); }

    /// <summary>α₀, the initial learning rate of online training, in (0, 1]. Default 0.1. The batch
    /// algorithm has no learning rate.</summary>
    public double LearningRate
    {
        get => _learningRate;
        init => _learningRate = double.IsFinite(value) && value > 0 && value <= 1
            ? value
            : throw new SomOptionsException(nameof(LearningRate), $"LearningRate must be in (0, 1]; got {value}.");
    }

    /// <summary>σ₀, the initial neighbourhood radius in grid units, in (0, 65536]. Null (the default)
    /// means max(Width, Height)/2.</summary>
    public double? Sigma
    {
        get => _sigma;
        init => _sigma = value is null || (double.IsFinite(value.Value) && value > 0 && value <= MaxSide)
            ? value
            : throw new SomOptionsException(nameof(Sigma), $"Sigma must be in (0, {MaxSide}]; got {value}.");
    }

    /// <summary>The σ₀ in use: <see cref="Sigma"/>, or max(Width, Height)/2 when it is null.</summary>
    public double EffectiveSigma => Sigma ?? (Math.Max(Width, Height) / 2.0);

    /// <summary>How α shrinks. Default <see cref="Decay.ExponentialClassic"/>.</summary>
    public Decay LearningRateDecay { get => _learningRateDecay; init => _learningRateDecay = Defined(value, nameof(LearningRateDecay)); }

    /// <summary>How σ shrinks. Default <see cref="Decay.ExponentialClassic"/>.</summary>
    public Decay SigmaDecay { get => _sigmaDecay; init => _sigmaDecay = Defined(value, nameof(SigmaDecay)); }

    /// <summary>How the codebook starts. Default <see cref="Initialization.Random"/>.</summary>
    public Initialization Initialization { get => _initialization; init => _initialization = Defined(value, nameof(Initialization)); }

    /// <summary>Feature scaling fitted on the training data and kept in the model. Default
    /// <see cref="Scaling.None"/>.</summary>
    public Scaling Scaling { get => _scaling; init => _scaling = Defined(value, nameof(Scaling)); }

    /// <summary>Online training: visit the samples in a new random order every iteration (from
    /// <see cref="Seed"/>). Default false: the stored order, as in the classic algorithm.</summary>
    public bool Shuffle { get; init; }

    /// <summary>
    /// Online training: update every node whose step α·θ is not exactly 0. False (the default) skips
    /// the nodes whose step is below <see cref="NeighborhoodCutoff"/> = 2⁻²⁴ (the unit roundoff of
    /// float32): such a node would move by less than one part in 2²⁴ of its distance to the input.
    /// The cut-off makes late iterations, whose radius is small, touch only the nodes near the BMU;
    /// the quantization and topographic errors stay within 1 % of the exact run (tested).
    /// </summary>
    public bool ExactNeighborhood { get; init; }

    /// <summary>The smallest step α·θ an online update applies when <see cref="ExactNeighborhood"/>
    /// is false: 2⁻²⁴.</summary>
    public const float NeighborhoodCutoff = 1f / (1 << 24);

    /// <summary>The seed of every random choice (initialisation, shuffling). Null (the default) draws
    /// one; the model records the seed that was used, so every run can be repeated.</summary>
    public int? Seed { get; init; }

    /// <summary>The most threads training and batch prediction use, 1..1024. Null (the default) means
    /// all cores. The result does not depend on it: the same data, options and seed give the same
    /// codebook, bit for bit, with any number of threads.</summary>
    public int? MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init => _maxDegreeOfParallelism = value is null ? null : InRange(value.Value, 1, MaxThreads, nameof(MaxDegreeOfParallelism));
    }

    /// <summary>Measure the quantization and topographic errors every this many iterations (and after
    /// the last one), report them with the progress and keep them in the model's
    /// <see cref="SomModel.History"/>; 0 (the default) never measures during training. Each
    /// measurement costs a pass over the data; above 65,536 rows the steps before the last are
    /// measured on 65,536 rows spread evenly over the data (the last step on every row).</summary>
    public int MetricsEvery
    {
        get => _metricsEvery;
        init => _metricsEvery = InRange(value, 0, MaxIterations, nameof(MetricsEvery));
    }

    /// <summary>The distance of the BMU search and the quantization error (<see cref="DistanceMetric"/>).
    /// Default <see cref="DistanceMetric.Euclidean"/>. The updates do not change with it: the online
    /// step moves W towards the input as before, and the batch map's nodes stay means.</summary>
    public DistanceMetric Distance { get => _distance; init => _distance = Defined(value, nameof(Distance)); }

    /// <summary>
    /// σ at the end of the schedule, in (0, 65536]. Null (the default) keeps each decay's own end
    /// (<see cref="Decay"/>). Given, the decays become: <see cref="Decay.Linear"/> runs from σ₀ at the
    /// first iteration to exactly this value at the last, σₜ = σ₀ + (σ_end − σ₀)·t/(T − 1);
    /// <see cref="Decay.ExponentialClassic"/> is σ₀·(σ_end/σ₀)^(t/T) (no λ, so σ₀ ≤ 1 is allowed);
    /// <see cref="Decay.Inverse"/> and <see cref="Decay.Asymptotic"/> are both σ₀/(1 + (σ₀/σ_end − 1)·t/T).
    /// The exponential and hyperbolic forms reach σ_end at t = T, one step after the last iteration
    /// (as Somoclu's exponential cooling and MiniSom's decays to one do).
    /// </summary>
    public double? SigmaEnd
    {
        get => _sigmaEnd;
        init => _sigmaEnd = value is null || (double.IsFinite(value.Value) && value > 0 && value <= MaxSide)
            ? value
            : throw new SomOptionsException(nameof(SigmaEnd), $"SigmaEnd must be in (0, {MaxSide}]; got {value}.");
    }

    /// <summary>α at the end of the schedule, in (0, 1]; the same rules as <see cref="SigmaEnd"/>,
    /// applied to α with <see cref="LearningRateDecay"/>. Null (the default) keeps each decay's own
    /// end. Online training only: the batch algorithm has no learning rate.</summary>
    public double? LearningRateEnd
    {
        get => _learningRateEnd;
        init => _learningRateEnd = value is null || (double.IsFinite(value.Value) && value > 0 && value <= 1)
            ? value
            : throw new SomOptionsException(nameof(LearningRateEnd), $"LearningRateEnd must be in (0, 1]; got {value}.");
    }

    /// <summary>σ of the last iteration (t = T − 1) of the schedule these options give, the radius a
    /// continued training starts from by default. NaN when the exponential-classic decay has no λ
    /// (σ₀ ≤ 1 with no end given), which <see cref="Validate"/> refuses.</summary>
    public double FinalSigma => new TrainingSchedule(this, validate: false).Sigma(Iterations - 1);

    /// <summary>α of the last iteration (t = T − 1) of the schedule these options give; NaN as for
    /// <see cref="FinalSigma"/>.</summary>
    public double FinalLearningRate => new TrainingSchedule(this, validate: false).LearningRate(Iterations - 1);

    /// <summary>
    /// The options that decide the map, as text by snake_case name (the names of the model file's
    /// options): width, height, topology, toroidal, algorithm, iterations, neighborhood,
    /// learning_rate, sigma (the σ₀ in use), sigma_decay, learning_rate_decay, initialization,
    /// scaling, shuffle, exact_neighborhood, sigma_end and learning_rate_end when they are set, seed
    /// when one is set, and distance when it is not euclidean. Numbers use the invariant
    /// culture and round-trip. Threads and measuring are left out: they do not change the map.
    /// </summary>
    public IReadOnlyDictionary<string, string> ToParameters()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["width"] = Width.ToString(invariant),
            ["height"] = Height.ToString(invariant),
            ["topology"] = OptionText.ToText(Topology),
            ["toroidal"] = Toroidal ? "true" : "false",
            ["algorithm"] = OptionText.ToText(Algorithm),
            ["iterations"] = Iterations.ToString(invariant),
            ["neighborhood"] = OptionText.ToText(Neighborhood),
            ["learning_rate"] = LearningRate.ToString("R", invariant),
            ["sigma"] = EffectiveSigma.ToString("R", invariant),
            ["sigma_decay"] = OptionText.ToText(SigmaDecay),
            ["learning_rate_decay"] = OptionText.ToText(LearningRateDecay),
            ["initialization"] = OptionText.ToText(Initialization),
            ["scaling"] = OptionText.ToText(Scaling),
            ["shuffle"] = Shuffle ? "true" : "false",
            ["exact_neighborhood"] = ExactNeighborhood ? "true" : "false",
        };
        if (SigmaEnd is { } sigmaEnd)
        {
            parameters["sigma_end"] = sigmaEnd.ToString("R", invariant);
        }

        if (LearningRateEnd is { } learningRateEnd)
        {
            parameters["learning_rate_end"] = learningRateEnd.ToString("R", invariant);
        }

        if (Seed is { } seed)
        {
            parameters["seed"] = seed.ToString(invariant);
        }

        if (Distance != DistanceMetric.Euclidean)
        {
            parameters["distance"] = OptionText.ToText(Distance);
        }

        return parameters;
    }

    /// <summary>The grid these options describe.</summary>
    public Grid CreateGrid()
    {
        Validate();
        return new Grid(Width, Height, Topology, Toroidal);
    }

    /// <summary>
    /// Checks the rules that involve several options: the node count (at most
    /// <see cref="Grid.MaxNodes"/>), an even height for a hexagonal torus, σ₀ &gt; 1 when a decay is
    /// <see cref="Decay.ExponentialClassic"/> with no end given (λ = T / ln σ₀ must be positive), and no
    /// <see cref="Neighborhood.MexicanHat"/> with the batch algorithm.
    /// </summary>
    /// <exception cref="SomOptionsException">A rule is broken; the message says which and what is
    /// allowed.</exception>
    public SomOptions Validate()
    {
        if ((long)Width * Height > Grid.MaxNodes)
        {
            throw new SomOptionsException(nameof(Width),
                $"A {Width}×{Height} map has {(long)Width * Height} nodes; at most {Grid.MaxNodes} are allowed.");
        }

        if (Topology == Topology.Hexagonal && Toroidal && Height % 2 != 0)
        {
            throw new SomOptionsException(nameof(Height),
                $"A hexagonal toroidal map needs an even Height so that odd rows stay offset across the wrap; got {Height}.");
        }

        var needsLog = (SigmaDecay == Decay.ExponentialClassic && SigmaEnd is null)
            || (Algorithm == TrainingAlgorithm.Online && LearningRateDecay == Decay.ExponentialClassic && LearningRateEnd is null);
        if (needsLog && EffectiveSigma <= 1.0)
        {
            throw new SomOptionsException(nameof(Sigma),
                $"The exponential-classic decay needs Sigma > 1 (λ = T / ln σ₀); σ₀ is {EffectiveSigma}"
                + (Sigma is null ? $" (max(Width, Height)/2 of a {Width}×{Height} map)" : "")
                + ". Set a larger Sigma, give the end value (SigmaEnd, LearningRateEnd) or choose another decay (linear, inverse, asymptotic).");
        }

        if (Algorithm == TrainingAlgorithm.Batch && Neighborhood == Neighborhood.MexicanHat)
        {
            throw new SomOptionsException(nameof(Neighborhood),
                "The batch algorithm needs a non-negative neighbourhood; allowed with batch: gaussian, bubble, triangle.");
        }

        return this;
    }

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max
            ? value
            : throw new SomOptionsException(name, $"{name} must be in {min}..{max}; got {value}.");

    private static TEnum Defined<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] TEnum>(TEnum value, string name)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value)
            ? value
            : throw new SomOptionsException(name, $"Unknown {name} {value}; allowed: {string.Join(", ", OptionText.Names<TEnum>())}.");
}
