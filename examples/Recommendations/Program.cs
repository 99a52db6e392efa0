using System.Globalization;
using Kohonen.Imaging;

namespace Kohonen.Examples.Recommendations;

/// <summary>
/// Recommendations from segments, on stated synthetic ratings: users belong to one of five hidden
/// taste groups; each group likes 8 of the 40 items (drawn at random); a user has rated each liked
/// item with chance 0.5 and any other with chance 0.05 (implicit feedback: 1 rated, 0 not). One rated
/// item per user is held out. Users' rating rows train a map, its nodes are grouped into five segments
/// (k-means weighted by hits), and each user is recommended the five items most rated in their
/// segment that they have not rated. The hit rate (the held-out item among the five) is printed beside
/// recommending the five most popular unrated items.
/// </summary>
public static class Program
{
    private const int Items = 40;
    private const int Groups = 5;
    private const int TopN = 5;

    /// <summary>Arguments: [users (default 600)] [output folder].</summary>
    public static int Main(string[] args)
    {
        var users = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 600;
        var output = args.Length > 1 ? args[1] : ".";
        Directory.CreateDirectory(output);
        var random = new Random(7);
        var liked = Enumerable.Range(0, Groups).Select(_ => Enumerable.Range(0, Items).OrderBy(_ => random.Next()).Take(8).ToHashSet()).ToArray();
        var ratings = new float[users * Items];
        var heldOut = new int[users];
        for (var u = 0; u < users; u++)
        {
            var group = u % Groups;
            for (var i = 0; i < Items; i++)
            {
                ratings[(u * Items) + i] = random.NextDouble() < (liked[group].Contains(i) ? 0.5 : 0.05) ? 1 : 0;
            }

            var rated = Enumerable.Range(0, Items).Where(i => ratings[(u * Items) + i] == 1).ToList();
            heldOut[u] = rated.Count > 0 ? rated[random.Next(rated.Count)] : -1;
            if (heldOut[u] >= 0)
            {
                ratings[(u * Items) + heldOut[u]] = 0;
            }
        }

        var data = new DataMatrix(ratings, users, Items);
        var model = new SomTrainer(new SomOptions { Width = 6, Height = 6, Iterations = 50, Seed = 1 }).Fit(data);
        model = model.WithSegments(CodebookClustering.Segment(model, Groups, SegmentMethod.KMeans, data, seed: 1));
        var segmentOf = model.FindBmus(data).Select(b => model.Segments!.SegmentOf(b.Index)).ToArray();

        var popularity = new double[Items];
        var bySegment = new double[Groups * Items];
        for (var u = 0; u < users; u++)
        {
            for (var i = 0; i < Items; i++)
            {
                popularity[i] += ratings[(u * Items) + i];
                bySegment[(segmentOf[u] * Items) + i] += ratings[(u * Items) + i];
            }
        }

        int segmentHits = 0, popularHits = 0, tested = 0;
        for (var u = 0; u < users; u++)
        {
            if (heldOut[u] < 0)
            {
                continue;
            }

            tested++;
            var unrated = Enumerable.Range(0, Items).Where(i => ratings[(u * Items) + i] == 0).ToList();
            segmentHits += unrated.OrderByDescending(i => bySegment[(segmentOf[u] * Items) + i]).ThenBy(i => i).Take(TopN).Contains(heldOut[u]) ? 1 : 0;
            popularHits += unrated.OrderByDescending(i => popularity[i]).ThenBy(i => i).Take(TopN).Contains(heldOut[u]) ? 1 : 0;
        }

        Console.WriteLine($"{users} users × {Items} items, {tested} with a held-out rating, top {TopN} recommended");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hit rate, segment favourites: {(double)segmentHits / tested:0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hit rate, most popular:       {(double)popularHits / tested:0.000}"));
        var groupOf = Enumerable.Range(0, users).Select(u => u % Groups).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"adjusted Rand index of the segments against the hidden groups: {ClassificationReport.AdjustedRandIndex(segmentOf, groupOf):0.000}"));
        var path = Path.Combine(output, "users.segments.png");
        MapPictures.Save(MapPictures.SegmentMap(model, new PictureOptions { Width = 800 }), path);
        Console.WriteLine($"Picture: {path}");
        return 0;
    }
}
