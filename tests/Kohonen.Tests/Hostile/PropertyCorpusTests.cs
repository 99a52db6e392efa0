using CsCheck;
using Kohonen.Testing;

namespace Kohonen.Tests.Hostile;

/// <summary>
/// Property-based hostile inputs (CsCheck, which shrinks a failure to a small example): any bytes
/// changed in a model file, and any .npy header built from the format's own tokens, are either
/// refused with the reader's own exception naming the file, or read correctly — never another
/// exception.
/// </summary>
public sealed class PropertyCorpusTests
{
    private const int Iterations = 2_000;

    private static readonly byte[] Model = SomFile.ToBytes(SomModel.Create(new Grid(3, 2), [.. Enumerable.Range(0, 18).Select(i => i / 17f)], 3, ["a", "b", "c"]));

    /// <summary>Runs a CsCheck property, counting every input it tries (shrinking included) and turning
    /// its shrunk counterexample into the tally's failure.</summary>
    private static void Sample<T>(string category, Gen<T> gen, Action<T> check)
    {
        var tally = new HostileTally(category);
        try
        {
            gen.Sample(value =>
            {
                tally.Tried();
                check(value);
            }, iter: Iterations);
        }
        catch (CsCheckException e)
        {
            tally.Failed(e.Message);
        }

        tally.Done();
    }

    [Fact]
    public void AnyChangedBytesAreRefusedOrChangeNothing()
    {
        var original = SomFile.FromBytes(Model, "m.som");
        Sample("model files / changed bytes (CsCheck)", Gen.Select(Gen.Int[0, Model.Length - 1], Gen.Byte).Array[1, 4], changes =>
        {
            var file = (byte[])Model.Clone();
            foreach (var (at, value) in changes)
            {
                file[at] = value;
            }

            SomModel loaded;
            try
            {
                loaded = SomFile.FromBytes(file, "m.som");
            }
            catch (SomFormatException e)
            {
                Assert.StartsWith("m.som: ", e.Message, StringComparison.Ordinal);
                return;
            }

            // Only a change that leaves the model as it was may load (a padding space become a tab).
            Assert.Equal(original.Codebook.ToArray(), loaded.Codebook.ToArray());
            Assert.Equal(original.FeatureNames, loaded.FeatureNames);
            Assert.Equal(original.Grid, loaded.Grid);
        });
    }

    [Fact]
    public void AnyNpyHeaderIsReadOrRefusedWithTheFileName()
    {
        var token = Gen.OneOf<string>(
            "{", "}", "(", ")", "[", "]", ",", ":", " ", "'descr'", "'shape'", "'fortran_order'", "'<f4'", "'>f8'", "'<i8'",
            "True", "False", "None", "0", "1", "3", "-1", "99999999999999999999", "'", "\"", "\\", "'a'", "\u00e9", "2L");
        var dict = Gen.OneOf(
            token.Array[0, 30].Select(t => string.Concat(t)),
            Gen.Select(Gen.OneOf<string>("'<f4'", "'<f8'", "'>f4'", "'|u1'", "[('a', '<f4')]"), Gen.OneOf<string>("True", "False", "1"),
                Gen.OneOf<string>("()", "(2,)", "(2, 1)", "(1, 2, 3)", "(0, 3)", "(3, 0)", "(2147483648, 1)", "('a',)", "[2, 1]"))
                .Select((descr, fortran, shape) => $"{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}"));
        Sample("data files / .npy headers (CsCheck)", Gen.Select(dict, Gen.Byte.Array[0, 32]), input =>
        {
            var (text, payload) = input;
            var file = Data.NpyHeaderTests.WithHeader(text, payload);
            try
            {
                var data = NpyFile.Read(new MemoryStream(file), "x.npy");
                Assert.True(data.Rows >= 0 && data.Columns >= 1);
            }
            catch (DataFormatException e)
            {
                Assert.StartsWith("x.npy: ", e.Message, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void AnyCsvTextIsReadOrRefusedWithTheFileName()
    {
        var piece = Gen.OneOf<string>("1", "-2.5", "1e39", "NaN", "x", "", ",", ",", "\n", "\r\n", "\"", "\"\"", " ", "\u0007", "\t", "1e-50", "inf");
        Sample("data files / CSV texts (CsCheck)", piece.Array[0, 40].Select(p => string.Concat(p)), text =>
        {
            try
            {
                var data = CsvDataReader.Read(new StringReader(text), "x.csv");
                // A value read is a finite number or a missing one (NaN), counted; never infinite.
                Assert.All(data.Data.Values.ToArray(), v => Assert.False(float.IsInfinity(v)));
                Assert.Equal(data.MissingCells, data.Data.Values.ToArray().Count(float.IsNaN));
            }
            catch (DataFormatException e)
            {
                Assert.StartsWith("x.csv", e.Message, StringComparison.Ordinal);
            }
        });
    }
}
