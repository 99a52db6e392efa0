using Kohonen.Kernels;

namespace Kohonen;

/// <summary>
/// One step of the online map for a sample with missing values (NaN): the BMU over the present
/// features (<see cref="MaskedSearch"/>, node-major or planar as the codebook is kept), then every
/// node moves W ← W + αₜ·θ(d, σₜ)·(V − W) in the present features only; a missing feature's weights
/// are not moved. The steps are the ones the complete samples' loop uses (the neighbourhood table's
/// rows, steps below the cut-off set to 0).
/// </summary>
internal static class MaskedOnline
{
    /// <summary>Trains on one sample with holes; returns false (and changes nothing) when every value
    /// is missing.</summary>
    /// <param name="codebook">The node-major codebook (used when <paramref name="planes"/> is null).</param>
    /// <param name="planes">The feature-major codebook, or null.</param>
    /// <param name="dim">Features.</param>
    /// <param name="grid">The map's grid.</param>
    /// <param name="sample">The sample, NaN where missing.</param>
    /// <param name="table">The neighbourhood table, its σ set for this iteration.</param>
    /// <param name="alpha">αₜ.</param>
    /// <param name="cutoff">Steps smaller than this leave the weights as they are.</param>
    /// <param name="scratch">At least nodes floats (the planar search's sums).</param>
    /// <param name="steps">At least width floats.</param>
    public static bool Step(float[] codebook, float[]? planes, int dim, Grid grid, ReadOnlySpan<float> sample,
        NeighborhoodTable table, double alpha, float cutoff, Span<float> scratch, Span<float> steps)
    {
        var nodes = grid.NodeCount;
        var width = grid.Width;
        var bmu = planes is null
            ? MaskedSearch.FindBest(codebook, dim, sample, out _)
            : MaskedSearch.FindBestPlanar(planes, nodes, sample, scratch, out _);
        if (bmu < 0)
        {
            return false;
        }

        table.Prepare(bmu);
        for (var y = 0; y < grid.Height; y++)
        {
            if (!table.FillRow(y, alpha, steps))
            {
                continue;
            }

            var rowSteps = steps[..width];
            if (cutoff > 0)
            {
                for (var x = 0; x < width; x++)
                {
                    if (Math.Abs(rowSteps[x]) < cutoff)
                    {
                        rowSteps[x] = 0;
                    }
                }
            }

            var rowStart = y * width;
            if (planes is not null)
            {
                for (var f = 0; f < dim; f++)
                {
                    if (!float.IsNaN(sample[f]))
                    {
                        WeightUpdate.ApplyPlanar(planes.AsSpan((f * nodes) + rowStart, width), rowSteps, sample[f]);
                    }
                }

                continue;
            }

            for (var x = 0; x < width; x++)
            {
                var h = rowSteps[x];
                if (h != 0)
                {
                    Apply(codebook.AsSpan((rowStart + x) * dim, dim), sample, h);
                }
            }
        }

        return true;
    }

    /// <summary>w ← w + h·(v − w) in the present features (a subtract and a fused multiply-add, as
    /// <see cref="WeightUpdate"/>), the missing ones left as they are.</summary>
    internal static void Apply(Span<float> weights, ReadOnlySpan<float> sample, float h)
    {
        for (var f = 0; f < weights.Length; f++)
        {
            var v = sample[f];
            if (!float.IsNaN(v))
            {
                weights[f] = MathF.FusedMultiplyAdd(h, v - weights[f], weights[f]);
            }
        }
    }
}
