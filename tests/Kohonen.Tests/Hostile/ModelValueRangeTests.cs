using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kohonen.Testing;

namespace Kohonen.Tests.Hostile;

/// <summary>
/// Model files whose numbers are finite but out of the range a map measures in (a scaler factor of
/// 3e38, a weight of 1e30), sealed with correct checksums as an adversary would: refused at load
/// with the file's name, never a model that answers Infinity.
/// </summary>
public sealed class ModelValueRangeTests
{
    private const string Name = "forged.som";

    private static byte[] Original() => SomFile.ToBytes(SomModel.Create(
        new Grid(2, 1), [0, 0, 1, 1], 2, ["a", "b"], new FeatureScaler(Scaling.MinMax, [0, 0], [1, 1])));

    /// <summary>The file with the first float of <paramref name="tensor"/> set to <paramref name="value"/>,
    /// its data and metadata checksums computed again.</summary>
    private static byte[] Forged(string tensor, float value)
    {
        var (header, data) = ModelFileBytes.Split(Original());
        var start = header[tensor]!["data_offsets"]![0]!.GetValue<long>();
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan((int)start), value);
        var meta = (JsonObject)header["__metadata__"]!;
        meta["data_sha256"] = Convert.ToHexStringLower(SHA256.HashData(data));
        meta["metadata_sha256"] = ModelFileBytes.MetadataChecksum(meta);
        return ModelFileBytes.Join(header, data);
    }

    [Theory]
    [InlineData("scaler.factor", 3e38f, "beyond ±1E+24")]
    [InlineData("scaler.factor", -1e25f, "beyond ±1E+24")]
    [InlineData("codebook", 1e30f, "weights of a map of 2 features must be within")]
    [InlineData("codebook", -3e38f, "weights of a map of 2 features must be within")]
    public void AFiniteButUnmeasurableNumberIsRefusedAtLoad(string tensor, float value, string because)
    {
        var tally = new HostileTally("model files / numbers out of range");
        tally.Check($"{tensor} = {value}", () =>
        {
            var e = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(Forged(tensor, value), Name));

            Assert.Contains(Name, e.Message, StringComparison.Ordinal);
            Assert.Contains(because, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("(Parameter", e.Message, StringComparison.Ordinal);
        });
        tally.Done();
    }

    [Fact]
    public void TheForgeryLoadsWhenTheValueIsInRange()
    {
        var model = SomFile.FromBytes(Forged("scaler.factor", 2f), Name);

        Assert.Equal(2f, model.Scaler!.Factor[0]);
    }

    [Theory]
    [InlineData(1e14, 0)]
    [InlineData(0, -2e19)]
    [InlineData(3e38, 0)]
    public void AnInputBeyondTheRangeIsRefusedNamingItsPosition(double first, double second)
    {
        var model = SomModel.Create(new Grid(2, 1), [0, 0, 1, 1], 2, ["a", "b"]);
        var column = first != 0 ? 0 : 1;
        var tally = new HostileTally("data files / values out of range");
        tally.Check($"[{first}, {second}]", () =>
        {
            var one = Assert.Throws<ArgumentException>(() => model.FindBmu([first, second]));
            var many = Assert.Throws<ArgumentException>(() => model.FindBmus(DataMatrix.FromRows([[0.5, 0.5], [first, second]], ["a", "b"])));

            Assert.Contains($"value {column} ('{(column == 0 ? "a" : "b")}')", one.Message, StringComparison.Ordinal);
            Assert.Contains("within ±1E+13", one.Message, StringComparison.Ordinal);
            Assert.Contains($"Row 1, column {column}", many.Message, StringComparison.Ordinal);
        });
        tally.Done();
    }

    [Fact]
    public void AnInputAtTheLimitHasTheBmuOfAPlainDoubleScan()
    {
        // Weights far apart, inputs at ±MaxMagnitude in many features: the float distances must not
        // overflow, and the BMU is the one a scan in double finds.
        const int Dim = 300;
        var random = new Random(5);
        var codebook = new float[4 * Dim];
        for (var i = 0; i < codebook.Length; i++)
        {
            codebook[i] = (float)((random.NextDouble() * 2) - 1) * DataMatrix.MaxMagnitude;
        }

        var model = SomModel.Create(new Grid(2, 2), codebook, Dim);
        for (var trial = 0; trial < 20; trial++)
        {
            var input = new float[Dim];
            for (var f = 0; f < Dim; f++)
            {
                input[f] = random.Next(2) == 0 ? DataMatrix.MaxMagnitude : -DataMatrix.MaxMagnitude;
            }

            var best = -1;
            var bestD = double.PositiveInfinity;
            for (var n = 0; n < 4; n++)
            {
                double d = 0;
                for (var f = 0; f < Dim; f++)
                {
                    var diff = (double)input[f] - codebook[(n * Dim) + f];
                    d += diff * diff;
                }

                if (d < bestD)
                {
                    (best, bestD) = (n, d);
                }
            }

            var bmu = model.FindBmu(input);
            Assert.Equal(best, bmu.Index);
            Assert.True(float.IsFinite(bmu.Distance));
        }
    }
}
