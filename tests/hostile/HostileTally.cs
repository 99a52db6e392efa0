using System.Diagnostics;
using System.Globalization;

namespace Kohonen.Testing;

/// <summary>
/// One category of the hostile-input suite (compiled into each test project that holds a part of it):
/// counts the inputs actually tried and those whose check failed, times them, and writes one line to
/// the test's output, which CI reads from the TRX reports and sums per category:
/// <c>hostile-suite: model files | inputs 552 | failures 0 | 1234 ms</c>.
/// A failed input does not stop the others: <see cref="Done"/> writes the counts, then fails the test
/// with the first failures when there were any.
/// </summary>
internal sealed class HostileTally(string category)
{
    /// <summary>What starts every counts line (the CI script looks for it).</summary>
    public const string Prefix = "hostile-suite: ";

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _failures = [];
    private int _inputs;

    public int Inputs => _inputs;

    /// <summary>Counts one input tried whose check runs elsewhere (a property test's generator).</summary>
    public void Tried() => Interlocked.Increment(ref _inputs);

    /// <summary>Records a failure found elsewhere (a property test's shrunk counterexample).</summary>
    public void Failed(string what)
    {
        lock (_failures)
        {
            _failures.Add(what);
        }
    }

    /// <summary>Tries one input: counts it, and records the check's failure instead of throwing it.</summary>
    public void Check(string input, Action check)
    {
        Tried();
        try
        {
            check();
        }
        catch (Exception e)
        {
            Failed($"{input}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Runs a check over inputs already counted (the state a fault left), recording its failure.</summary>
    public void Verify(string what, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e)
        {
            Failed($"{what}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Tries one input whose check is asynchronous.</summary>
    public async Task CheckAsync(string input, Func<Task> check)
    {
        Tried();
        try
        {
            await check();
        }
        catch (Exception e)
        {
            Failed($"{input}: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Writes the counts line, then fails the test when any input failed (or none was tried).</summary>
    public void Done()
    {
        var failures = _failures.Count;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}{category} | inputs {_inputs} | failures {failures} | {_clock.Elapsed.TotalMilliseconds:F0} ms");
        TestContext.Current.TestOutputHelper?.WriteLine(line);
        Assert.True(_inputs > 0, $"{category}: no input was tried.");
        Assert.True(failures == 0, $"{category}: {failures} of {_inputs} inputs failed:\n{string.Join('\n', _failures.Take(10))}");
    }
}
