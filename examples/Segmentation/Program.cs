using System.Globalization;
using Kohonen.Imaging;

namespace Kohonen.Examples.Segmentation;

/// <summary>
/// Segments of wines: the 178 wines of scikit-learn's wine table (13 chemical measurements each) on a
/// map, its nodes grouped into segments by Ward's clustering of grid neighbours with k chosen by the
/// Davies–Bouldin index, then each segment's profile (size and mean measurements). The wines' cultivar
/// is not used for training; the adjusted Rand index says how well the segments recover it.
/// </summary>
public static class Program
{
    /// <summary>Arguments: [wine.csv] [output folder].</summary>
    public static int Main(string[] args)
    {
        var dataPath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "wine.csv");
        var output = args.Length > 1 ? args[1] : ".";
        Directory.CreateDirectory(output);
        var table = CsvDataReader.Read(dataPath, new CsvReadOptions { LabelColumn = "cultivar" });
        var data = table.Data;
        var model = new SomTrainer(new SomOptions { Width = 8, Height = 8, Iterations = 100, Scaling = Scaling.ZScore, Seed = 1 }).Fit(data);

        var curve = CodebookClustering.DaviesBouldinCurve(model, 2, 8, SegmentMethod.Ward, data);
        Console.WriteLine("k  Davies–Bouldin");
        foreach (var (k, index) in curve)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k}  {index:0.000}"));
        }

        var chosen = curve.MinBy(p => p.Value).Key;
        model = model.WithSegments(CodebookClustering.Segment(model, chosen, SegmentMethod.Ward, data));
        var profile = SegmentProfile.Compute(model, data);
        Console.WriteLine($"\n{chosen} segments (lowest Davies–Bouldin). Profile (means):");
        int[] shown = [0, 6, 9, 12];
        Console.WriteLine("segment  rows  " + string.Join("  ", shown.Select(f => profile.Features[f])));
        for (var s = 0; s < profile.Count; s++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s,7}  {profile.Sizes[s],4}  ") + string.Join("  ", shown.Select(f => profile.Mean(s, f).ToString("0.00", CultureInfo.InvariantCulture).PadLeft(profile.Features[f].Length))));
        }

        var bmus = model.FindBmus(data);
        var segmentOfRow = bmus.Select(b => model.Segments!.SegmentOf(b.Index)).ToArray();
        var cultivar = table.Labels!.Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nadjusted Rand index of the segments against the cultivars: {ClassificationReport.AdjustedRandIndex(segmentOfRow, cultivar):0.000}"));

        MapPictures.Save(MapPictures.SegmentMap(model, new PictureOptions { Width = 800 }), Path.Combine(output, "wine.segments.png"));
        MapPictures.Save(MapPictures.SegmentProfile(profile, new PictureOptions { Width = 900 }), Path.Combine(output, "wine.profile.png"));
        Console.WriteLine($"Pictures: {Path.Combine(output, "wine.segments.png")}, {Path.Combine(output, "wine.profile.png")}");
        return 0;
    }
}
