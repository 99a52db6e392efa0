
namespace Kohonen.Tests.Training;

/// <summary>The centred tables of the fused online step (<see cref="NeighborhoodTable.SetCentredScales"/>)
/// against the per-BMU factors of <see cref="NeighborhoodTable.Prepare(int)"/>, checked at every BMU.</summary>
public class NeighborhoodTableTests
{
    private const float Cutoff = SomOptions.NeighborhoodCutoff;

    [Theory]
    [InlineData(30, 20, false, 12.0, 0.1)]
    [InlineData(30, 20, false, 1.0, 0.004)]
    [InlineData(30, 20, false, 1.0, 0.03)] // α·gx at 5 columns is 1.1e-7, just over the cut-off
    [InlineData(50, 7, true, 1.5, 0.05)]
    [InlineData(9, 40, false, 0.6, 1.0)]
    public void EachNodesStepIsThatOfTheBmusOwnFactorsOrCutEitherWay(int width, int height, bool toroidal, double sigma, double alpha)
    {
        var grid = new SomOptions { Width = width, Height = height, Toroidal = toroidal }.CreateGrid();
        var stride = (width + 15) / 16 * 16;
        var centred = new NeighborhoodTable(grid, Neighborhood.Gaussian, stride);
        var reference = new NeighborhoodTable(grid, Neighborhood.Gaussian, stride);
        centred.SetSigma(sigma);
        reference.SetSigma(sigma);
        foreach (var cutoff in new[] { 0f, Cutoff })
        {
            var checkEachNode = centred.SetCentredScales(alpha, cutoff, stride);
            var anyStepCutInAMovingRow = false;
            for (var bmu = 0; bmu < grid.NodeCount; bmu++)
            {
                reference.Prepare(bmu);
                var columns = centred.CentredColumns(bmu % width);
                var rowScales = centred.CentredRowScales(bmu / width);
                var factors = reference.GaussianRowFactors(0);
                for (var y = 0; y < height; y++)
                {
                    var scale = (float)(alpha * reference.GaussianColumnFactor(y));
                    Assert.Equal(scale >= cutoff ? scale : 0f, rowScales[y]);
                    for (var x = 0; x < width; x++)
                    {
                        var step = scale * factors[x];
                        var applied = scale >= cutoff && step >= cutoff ? step : 0f;
                        var fusedStep = rowScales[y] * columns[x];
                        Assert.Equal(applied, fusedStep >= cutoff ? fusedStep : 0f);
                        if (cutoff > 0f)
                        {
                            // A flushed factor is 0; any other gives a normal, uncut-or-cut step, never a subnormal one.
                            Assert.True(columns[x] == 0f || float.IsNormal(fusedStep) || rowScales[y] == 0f, $"subnormal step at ({x}, {y}), BMU {bmu}");
                            anyStepCutInAMovingRow |= rowScales[y] > 0f && columns[x] > 0f && fusedStep < cutoff;
                        }
                    }
                }
            }

            Assert.Equal(anyStepCutInAMovingRow, checkEachNode);
        }
    }

    [Fact]
    public void AWideRadiusMovesEveryNodeOfAMovingRowAndANarrowOneCutsSome()
    {
        var grid = new SomOptions { Width = 50, Height = 50 }.CreateGrid();
        var table = new NeighborhoodTable(grid, Neighborhood.Gaussian, 64);

        table.SetSigma(25);
        var wide = table.SetCentredScales(0.1, Cutoff, 64);
        table.SetSigma(1);
        var narrow = table.SetCentredScales(0.004, Cutoff, 64);
        var exact = table.SetCentredScales(0.004, 0f, 64);

        Assert.False(wide);
        Assert.True(narrow);
        Assert.False(exact);
    }
}
