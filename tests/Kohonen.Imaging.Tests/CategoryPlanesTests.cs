namespace Kohonen.Imaging.Tests;

/// <summary>Component planes of a map with a categorical column: one panel per category.</summary>
public class CategoryPlanesTests
{
    [Fact]
    public void ACategoricalColumnHasOnePanelPerCategoryShowingItsSharePerNode()
    {
        string[] colours = ["red", "green", "blue", "red", "green", "blue", "red", "red", "green", "blue", "blue", "red"];
        var text = new Dictionary<string, IReadOnlyList<string?>> { ["colour"] = colours };
        var encoder = FeatureEncoder.Fit(["length", "colour"], [FeatureKind.Numeric, FeatureKind.Categorical], text, [1, 2]);
        var lengths = colours.Select((c, i) => (float)(c.Length + (i * 0.1))).ToArray();
        var data = encoder.Encode(new DataMatrix(lengths, lengths.Length, 1, ["length"]), text);
        var model = new SomTrainer(new SomOptions { Width = 3, Height = 2, Algorithm = TrainingAlgorithm.Batch, Iterations = 5, Seed = 1, Scaling = Scaling.ZScore })
            .Fit(DataSource.FromMatrix(data).WithEncoder(encoder));

        // The panels are titled by the model's features, one per category.
        Assert.Equal(["length", "colour = blue", "colour = green", "colour = red"], model.FeatureNames);
        var bitmap = Png.Decode(MapPictures.ComponentPlanes(model, new PictureOptions { Width = 600 }));
        Assert.Equal(600, bitmap.Width);

        // Each category's plane is its share of the node: between 0 and 1, and (the batch map being a
        // weighted mean of one-hot rows) the shares of a node add up to 1.
        var planes = Enumerable.Range(1, 3).Select(model.ComponentPlane).ToArray();
        for (var node = 0; node < model.Grid.NodeCount; node++)
        {
            Assert.All(planes, p => Assert.InRange(p[node], -1e-5f, 1 + 1e-5f));
            Assert.Equal(1.0, planes.Sum(p => (double)p[node]), 4);
        }
    }
}
