namespace Kohonen.Tests.Storage;

/// <summary>The model file with labels, targets and segments.</summary>
public class SomFileKeptTests
{
    private static SomModel Plain() => SomModel.Create(new Grid(3, 2, Topology.Hexagonal), [.. Enumerable.Range(0, 12).Select(i => i * 0.5f)], 2, ["a", "b"]);

    [Fact]
    public void LabelsTargetsAndSegmentsSurviveTheRoundTrip()
    {
        var model = Plain();
        var grid = model.Grid;
        model = model
            .WithLabels(new NodeLabels(grid, ["10", "9"], [0, 1, 2, 0, 0, 0, 1, 1, 0, 0, 0, 3]))
            .WithTargets(new NodeTargets(grid, "price", [1, 2, 3, 4, 5, 6], [0, 0.5f, 0, 0, 0, 1], [1, 2, 0, 1, 1, 4]))
            .WithSegments(new NodeSegments(grid, [0, 0, 1, 1, 2, 2], SegmentMethod.Ward));

        var back = SomFile.FromBytes(SomFile.ToBytes(model), "test");

        Assert.Equal(["9", "10"], back.Labels!.Classes);
        Assert.Equal(model.Labels!.Weights.ToArray(), back.Labels.Weights.ToArray());
        Assert.Equal(Enumerable.Range(0, 6).Select(model.Labels.LabelOf), Enumerable.Range(0, 6).Select(back.Labels.LabelOf));
        Assert.True(back.Labels.IsBorrowed(2));
        Assert.Equal("price", back.Targets!.Name);
        Assert.Equal([1f, 2, 3, 4, 5, 6], back.Targets.Mean.ToArray());
        Assert.Equal([0f, 0.5f, 0, 0, 0, 1], back.Targets.Spread.ToArray());
        Assert.Equal([1f, 2, 0, 1, 1, 4], back.Targets.Count.ToArray());
        Assert.Equal([0, 0, 1, 1, 2, 2], back.Segments!.Segments.ToArray());
        Assert.Equal(SegmentMethod.Ward, back.Segments.Method);
        Assert.Equal(SomFile.ToBytes(model), SomFile.ToBytes(back));
    }

    [Fact]
    public void HitsAreCountedAsTheNearestNodeAndSurviveTheRoundTrip()
    {
        // Plain() has node i at (i, i + 0.5): a row wins the node whose weights are nearest.
        var data = DataMatrix.FromRows([[0.1f, 0.6f], [2.2f, 2.4f], [2.0f, 2.5f], [9f, 9f], [5f, 5.5f]]);
        var model = Plain().WithHits(data);

        Assert.Equal([1, 0, 2, 0, 0, 2], model.Hits!.ToArray());
        var bytes = SomFile.ToBytes(model);
        var back = SomFile.FromBytes(bytes, "test");
        Assert.Equal([1, 0, 2, 0, 0, 2], back.Hits!.ToArray());
        Assert.Equal(bytes, SomFile.ToBytes(back));
        Assert.Equal(SomFile.ToBytes(Plain()), SomFile.ToBytes(model.WithHits((GridValues<int>?)null)));
        Assert.Equal(model.Hits!.ToArray(), Plain().WithHits(DataSource.FromMatrix(data)).Hits!.ToArray());
    }

    [Fact]
    public void HitsMetadataWithoutItsTensorIsRefused()
    {
        var bytes = SomFile.ToBytes(Plain().WithHits(DataMatrix.FromRows([[0f, 0.5f], [1f, 1.5f]])));
        var at = bytes.AsSpan().IndexOf("\"hits\":{"u8);
        var broken = bytes.ToArray();
        broken[at + 1] = (byte)'z';

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(broken, "broken.som"));
        Assert.Contains("hits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModelWithoutThemWritesNoNewEntriesAndLoadsWithoutThem()
    {
        var bytes = SomFile.ToBytes(Plain());
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToUInt64(bytes, 0));

        Assert.DoesNotContain("labels", header, StringComparison.Ordinal);
        Assert.DoesNotContain("segment", header, StringComparison.Ordinal);
        Assert.DoesNotContain("target", header, StringComparison.Ordinal);
        var back = SomFile.FromBytes(bytes, "test");
        Assert.Null(back.Labels);
        Assert.Null(back.Targets);
        Assert.Null(back.Segments);
        Assert.Null(back.Hits);
        Assert.DoesNotContain("hits", header, StringComparison.Ordinal);
        Assert.Equal(bytes, SomFile.ToBytes(Plain().WithLabels(new NodeLabels(Plain().Grid, ["x"], [1, 1, 1, 1, 1, 1])).WithLabels((NodeLabels?)null)));
    }

    [Fact]
    public void SegmentMetadataWithoutItsTensorIsRefused()
    {
        var model = Plain();
        var bytes = SomFile.ToBytes(model.WithSegments(new NodeSegments(model.Grid, [0, 0, 0, 1, 1, 1], SegmentMethod.KMeans)));
        var at = bytes.AsSpan().IndexOf("\"segments\":{"u8);
        var broken = bytes.ToArray();
        broken[at + 8] = (byte)'z';

        var error = Assert.Throws<SomFormatException>(() => SomFile.FromBytes(broken, "broken.som"));
        Assert.Contains("segments", error.Message, StringComparison.Ordinal);
    }
}
