namespace Kohonen.Tracking.Tests;

public sealed class TrainingPictureTests
{
    [Fact]
    public void DrawingAllKeepsTheListedOrderWhateverFinishesFirst()
    {
        // The first drawings take longest, so on more than one core they finish last.
        var drawings = Enumerable.Range(0, 6)
            .Select(i => ($"pictures/p{i}.png", (Func<byte[]>)(() =>
            {
                Thread.Sleep((6 - i) * 20);
                return [(byte)i];
            })))
            .ToList();

        var pictures = TrainingPicture.DrawAll(drawings);

        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"pictures/p{i}.png"), pictures.Select(p => p.ArtifactPath));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (byte)i), pictures.Select(p => p.Content.Single()));
    }

    [Fact]
    public void AFailedDrawingThrowsAsDrawingInTurnWouldTheFirstListedFailure()
    {
        // The second listed drawing fails last; it is still the one reported, unwrapped.
        (string, Func<byte[]>)[] drawings =
        [
            ("pictures/a.png", () => [1]),
            ("pictures/b.png", () =>
            {
                Thread.Sleep(100);
                throw new ArgumentException("b cannot be drawn");
            }),
            ("pictures/c.png", () => throw new InvalidOperationException("c cannot be drawn")),
        ];

        var thrown = Assert.Throws<ArgumentException>(() => TrainingPicture.DrawAll(drawings));
        Assert.Equal("b cannot be drawn", thrown.Message);
    }

    [Fact]
    public void NoDrawingsGiveNoPictures() => Assert.Empty(TrainingPicture.DrawAll([]));
}
