namespace Kohonen.Tests.Maps;

/// <summary>Labels and targets kept by a map: counting, natural order, ties, and empty nodes borrowing
/// from the nearest labelled node.</summary>
public class NodeLabelsTests
{
    [Fact]
    public void EmptyNodesBorrowFromTheNearestLabelledNodeOnTheGrid()
    {
        // A 4×1 line: node 0 holds "b", node 3 holds "a". Node 1 is 1 from node 0 and 2 from node 3;
        // node 2 the other way round.
        var grid = new Grid(4, 1);
        var labels = new NodeLabels(grid, ["a", "b"], [0, 1, 0, 0, 0, 0, 2, 0]);

        Assert.Equal(["b", "b", "a", "a"], Enumerable.Range(0, 4).Select(labels.LabelOf));
        Assert.Equal([false, true, true, false], Enumerable.Range(0, 4).Select(labels.IsBorrowed));
        Assert.Equal([0, 0, 3, 3], Enumerable.Range(0, 4).Select(labels.SourceOf));
    }

    [Fact]
    public void AnEmptyNodeHalfwayBetweenTwoLabelledNodesBorrowsFromTheLowerIndex()
    {
        var labels = new NodeLabels(new Grid(3, 1), ["x", "y"], [0, 1, 0, 0, 1, 0]);

        Assert.Equal("y", labels.LabelOf(1));
        Assert.Equal(0, labels.SourceOf(1));
    }

    [Fact]
    public void OnATorusTheNearestLabelledNodeMayBeAcrossTheWrap()
    {
        // 5×1 toroidal, only node 0 and node 2 labelled: node 4 is 1 from node 0 across the wrap.
        var labels = new NodeLabels(new Grid(5, 1, Topology.Rectangular, toroidal: true), ["p", "q"], [1, 0, 0, 0, 0, 1, 0, 0, 0, 0]);

        Assert.Equal("p", labels.LabelOf(4));
        Assert.Equal("q", labels.LabelOf(3));
    }

    [Fact]
    public void ConfidenceIsTheMajorityShareAndTiesGoToTheClassFirstInNaturalOrder()
    {
        // Node 0: a 1, b 3 → b at 0.75. Node 1: a 2, b 2 → a at 0.5.
        var labels = new NodeLabels(new Grid(2, 1), ["b", "a"], [3, 1, 2, 2]);

        Assert.Equal(("b", 0.75f), (labels.LabelOf(0), labels.ConfidenceOf(0)));
        Assert.Equal(("a", 0.5f), (labels.LabelOf(1), labels.ConfidenceOf(1)));
    }

    [Fact]
    public void ClassesAreKeptInNaturalOrderNumbersFirstAndByValue()
    {
        var labels = new NodeLabels(new Grid(1, 1), ["b", "10", "a", "9", "-1.5"], [1, 1, 1, 1, 1]);

        Assert.Equal(["-1.5", "9", "10", "a", "b"], labels.Classes);
    }

    [Fact]
    public void LabelsCountedFromDataGoToEachRowsBmu()
    {
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1);
        var data = DataMatrix.FromRows([[0f], [0.1f], [1.9f], [2f], [2.1f]]);

        var kept = model.WithLabels(data, ["cat", "dog", "dog", "dog", "cat"]).Labels!;

        Assert.Equal(["cat", "dog"], kept.Classes);
        Assert.Equal([1, 1, 0, 0, 1, 2], kept.Weights.ToArray());
        Assert.Equal("cat", kept.LabelOf(0));
        Assert.True(kept.IsBorrowed(1));
        Assert.Equal("dog", kept.LabelOf(2));
        Assert.Equal(2f / 3, kept.ConfidenceOf(2), 6);
    }

    [Fact]
    public void TargetsKeepTheMeanAndSpreadPerNodeAndEmptyNodesBorrow()
    {
        var model = SomModel.Create(new Grid(3, 1), [0f, 1f, 2f], 1);
        var data = DataMatrix.FromRows([[0f], [0f], [2f]]);

        var targets = model.WithTargets(data, [1.0, 3.0, 10.0], "price").Targets!;

        Assert.Equal((2f, 1f), (targets.TargetOf(0), targets.SpreadOf(0)));
        Assert.Equal(10f, targets.TargetOf(2));
        Assert.True(targets.IsBorrowed(1));
        Assert.Equal(2f, targets.TargetOf(1));
        Assert.Equal("price", targets.Name);
    }

    [Fact]
    public void SupervisedLayerScalesTheOneHotColumnsSoTheLayerHasTheAskedShare()
    {
        // One feature 0, 2 (variance 1), two classes half each (variance ¼ + ¼): s = √(1 · 1 / ½) = √2.
        var layer = SupervisedLayer.Create(DataMatrix.FromRows([[0f], [2f]]), ["a", "b"], Scaling.None);

        Assert.Equal(MathF.Sqrt(2), layer.LayerScale, 5);
        Assert.Equal([0f, MathF.Sqrt(2), 0f, 2f, 0f, MathF.Sqrt(2)], layer.Input.Values.ToArray());
    }

    [Fact]
    public void SupervisedSplitKeepsTheFeaturesAsTheCodebookAndTheLabelLayerAsLabels()
    {
        var layer = SupervisedLayer.Create(DataMatrix.FromRows([[0f], [2f]]), ["a", "b"], Scaling.None);
        var s = layer.LayerScale;
        var joint = SomModel.Create(new Grid(2, 1), [0.5f, 0.75f * s, 0.25f * s, 1.5f, -0.1f, s], 3);

        var model = layer.Split(joint);

        Assert.Equal([0.5f, 1.5f], model.Codebook.ToArray());
        Assert.Equal(("a", 0.75f), (model.Labels!.LabelOf(0), model.Labels.ConfidenceOf(0)));
        Assert.Equal([0.75f, 0.25f, 0f, 1f], model.Labels.Weights.ToArray());
        Assert.Equal("b", model.Labels.LabelOf(1));
    }

    [Fact]
    public void SupervisedTargetLayerIsTheZScoreTimesTheLayerScale()
    {
        // Feature 0, 2 (variance 1); targets 1, 3 (mean 2, deviation 1: z = −1, 1). w = 0.8: s = √(4 · 1) = 2.
        var layer = SupervisedLayer.CreateForTarget(DataMatrix.FromRows([[0f], [2f]]), [1.0, 3.0], "t", Scaling.None, 0.8);

        Assert.Equal(2f, layer.LayerScale, 5);
        Assert.Equal([0f, -2f, 2f, 2f], layer.Input.Values.ToArray());
        Assert.Empty(layer.Classes);
        Assert.Equal("t", layer.TargetName);
    }

    [Fact]
    public void SupervisedTargetSplitKeepsTheFeaturesAndCountsTheTargetsByFeatureBmus()
    {
        var layer = SupervisedLayer.CreateForTarget(DataMatrix.FromRows([[0f], [0.5f], [2f]]), [1.0, 3.0, 10.0], "t", Scaling.None);
        var joint = SomModel.Create(new Grid(2, 1), [0.1f, 5f, 1.9f, -5f], 2);

        var model = layer.Split(joint);

        Assert.Equal([0.1f, 1.9f], model.Codebook.ToArray());
        Assert.Null(model.Labels);
        // Rows 0 and 0.5 are nearest node 0 by the features (the target column, reversed here, is ignored).
        Assert.Equal(2f, model.Targets!.TargetOf(0));
        Assert.Equal(1f, model.Targets.SpreadOf(0));
        Assert.Equal(10f, model.Targets.TargetOf(1));
    }

    [Fact]
    public void CountAndComputeRefuseRowsThatDoNotMatchOrLieOffTheGrid()
    {
        var grid = new Grid(2, 1);

        Assert.Throws<ArgumentException>(() => NodeLabels.Count(grid, [0, 1], ["a"]));
        Assert.Throws<ArgumentException>(() => NodeLabels.Count(grid, [2], ["a"]));
        Assert.Throws<ArgumentException>(() => NodeTargets.Compute(grid, "t", [], []));
        Assert.Throws<ArgumentException>(() => NodeTargets.Compute(grid, "t", [-1], [1.0]));
        // Node 1 wins a ×2 and b: weights 0, 0 | 2, 1; node 0 borrows node 1's label.
        var labels = NodeLabels.Count(grid, [1, 1, 1], ["a", "b", "a"]);
        Assert.Equal([0f, 0f, 2f, 1f], labels.Weights.ToArray());
        Assert.True(labels.IsBorrowed(0));
        // Node 0 wins 1 and 3: mean 2, spread 1.
        var targets = NodeTargets.Compute(grid, "t", [0, 0, 1], [1.0, 3.0, 7.0]);
        Assert.Equal((2f, 1f, 7f), (targets.TargetOf(0), targets.SpreadOf(0), targets.TargetOf(1)));
    }
}
