// Dimensions fixed at compile time (IDimension), so each small-dimension kernel gets its own JIT copy.
// Guarantees: Value is the dimension; nothing else. Held by: every kernel test at dimensions 1-7.
// After touching it: dotnet run -c Release --project bench/Kohonen.Benchmarks -- --filter '*PredictionBenchmarks*' '*OnlineStepBenchmarks*'

namespace Kohonen.Kernels;

/// <summary>
/// A dimension known when the code is compiled. A kernel generic over <c>TDim : IDimension</c> gets
/// one JIT copy per dimension, with the inputs in registers and the feature loop unrolled (the
/// branches on <c>TDim.Value</c> fold away).
/// </summary>
internal interface IDimension
{
    static abstract int Value { get; }
}

internal readonly struct One : IDimension
{
    public static int Value => 1;
}

internal readonly struct Two : IDimension
{
    public static int Value => 2;
}

internal readonly struct Three : IDimension
{
    public static int Value => 3;
}

internal readonly struct Four : IDimension
{
    public static int Value => 4;
}

internal readonly struct Five : IDimension
{
    public static int Value => 5;
}

internal readonly struct Six : IDimension
{
    public static int Value => 6;
}

internal readonly struct Seven : IDimension
{
    public static int Value => 7;
}
