using System.Globalization;
using System.Text;

namespace Kohonen.Tests;

/// <summary>The README's library example, run as written; its text is compared with the README's.</summary>
[Collection(nameof(ReadmeExampleCollection))]
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kohonen-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TheReadmeExampleIsTheCodeThisTestRuns()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var section = readme[readme.IndexOf("## Using the library", StringComparison.Ordinal)..];
        var start = section.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var shown = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];
        var source = File.ReadAllText(Path.Combine(root, "tests", "Kohonen.Tests", "ReadmeExampleTests.cs"));
        var begin = source.IndexOf(BeginMarker + "\n", StringComparison.Ordinal) + BeginMarker.Length + 1;
        var run = string.Join("\n", source[begin..source.IndexOf(EndMarker + "\n", begin, StringComparison.Ordinal)]
            .Split('\n').Select(l => l.StartsWith("        ", StringComparison.Ordinal) ? l[8..] : l)).TrimEnd() + "\n";

        Assert.Equal("using Kohonen;\n\n" + run, shown);
    }

    [Fact]
    public void TheReadmeExampleRunsAndWritesTheModel()
    {
        WriteIris(Path.Combine(_folder, "iris.csv"));
        NpyFile.Write(Path.Combine(_folder, "big.npy"), SampleData.Uniform(2_500, 4, 1));
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = _folder;
        try
        {
            Example();
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }

        var model = SomFile.Load(Path.Combine(_folder, "iris.som"));
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], model.FeatureNames);
        Assert.Equal((12, 8), (model.Width, model.Height));
    }

    private const string BeginMarker = "// The README's example: begin";
    private const string EndMarker = "// The README's example: end";

    private static void Example()
    {
        // The README's example: begin
        // A CSV file with a header row: four measurements and the species of each flower (the iris data).
        var csv = CsvDataReader.Read("iris.csv", new CsvReadOptions { LabelColumn = "species" });
        var options = new SomOptions { Width = 12, Height = 8, Topology = Topology.Hexagonal,
                                       Iterations = 200, Scaling = Scaling.ZScore, Seed = 1 };
        var model = new SomTrainer(options).Fit(csv.Data);
        Console.WriteLine($"QE {model.QuantizationError(csv.Data):F4}, TE {model.TopographicError(csv.Data):F4}");

        // One flower in the data's own units, in the model's feature order (the model applies its scaler).
        var bmu = model.FindBmu([5.1, 3.5, 1.4, 0.2]);
        Console.WriteLine($"BMU ({bmu.X}, {bmu.Y}) at distance {bmu.Distance:F3}");

        // Its distance to every node, index y·width + x (scikit-learn's transform, MiniSom's activate).
        float[] distances = model.Transform([5.1, 3.5, 1.4, 0.2]);

        // The BMU of every row: named columns are matched to the model's features by name, in any order.
        Bmu[] bmus = model.FindBmus(csv.Data);

        // Grid-shaped results are indexed [x, y]: x the column, y the row.
        GridValues<float> umatrix = model.UMatrix();
        GridValues<string?> labels = model.LabelMap(csv.Data, csv.Labels!);
        Console.WriteLine($"Node (11, 7): U-matrix {umatrix[11, 7]:F3}, label {labels[11, 7] ?? "none"}");

        SomFile.Save(model, "iris.som");

        // Data larger than memory: a .npy file read 10,000 rows at a time, trained with the batch map.
        using var big = DataSource.FromNpy("big.npy", rowsPerChunk: 10_000);
        var bigModel = new SomTrainer(options with { Algorithm = TrainingAlgorithm.Batch }).Fit(big);
        // The README's example: end
        Assert.Equal(96, distances.Length);
        Assert.Equal(90, bmus.Length);
        Assert.Equal((12, 8), (umatrix.Width, labels.Height));
        Assert.Equal(4, bigModel.Dimension);
    }

    /// <summary>Three species of 30 flowers around iris-like centres, with a header row.</summary>
    private static void WriteIris(string path)
    {
        var random = new Random(4);
        (string Name, double[] Centre)[] species =
        [
            ("setosa", [5.0, 3.4, 1.5, 0.2]), ("versicolor", [5.9, 2.8, 4.3, 1.3]), ("virginica", [6.6, 3.0, 5.6, 2.0]),
        ];
        var text = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width,species\n");
        for (var i = 0; i < 90; i++)
        {
            var (name, centre) = species[i % 3];
            text.AppendJoin(',', centre.Select(c => (c + ((random.NextDouble() - 0.5) * 0.6)).ToString("F1", CultureInfo.InvariantCulture)));
            text.Append(',').Append(name).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Kohonen.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("The repository root (Kohonen.slnx) is not above the test's folder.");
    }
}

/// <summary>The README example changes the working directory: it runs alone.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class ReadmeExampleCollection;
