using System.Globalization;
using Kohonen.Imaging;
using SkiaSharp;

namespace Kohonen.Examples.ImageColors;

/// <summary>
/// Colour quantisation, the classic SOM demo: a photograph's pixels (RGB in [0, 1]) train a 4×4 map
/// whose 16 weight vectors become the palette; each pixel is replaced by its BMU's colour. The same is
/// done with a k-means palette of 16 colours, and both are compared by PSNR against the original. The
/// picture puts the original, the map's and k-means' versions side by side.
/// </summary>
public static class Program
{
    /// <summary>Arguments: [image.ppm (binary P6)] [output folder].</summary>
    public static int Main(string[] args)
    {
        var imagePath = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "data", "china.ppm");
        var output = args.Length > 1 ? args[1] : ".";
        Directory.CreateDirectory(output);
        var (width, height, pixels) = ReadPpm(imagePath);
        var data = new DataMatrix(pixels, width * height, 3, ["red", "green", "blue"]);

        var model = new SomTrainer(new SomOptions { Width = 4, Height = 4, Iterations = 10, Shuffle = true, Seed = 1 }).Fit(data);
        var som = Quantise(pixels, model.Codebook, model.FindBmus(data).Select(b => b.Index).ToArray());

        var weights = Enumerable.Repeat(1.0, width * height).ToArray();
        var clusters = CodebookClustering.KMeans(pixels, 3, weights, 16, seed: 1);
        var palette = new float[16 * 3];
        var counts = new int[16];
        for (var p = 0; p < clusters.Length; p++)
        {
            counts[clusters[p]]++;
            for (var c = 0; c < 3; c++)
            {
                palette[(clusters[p] * 3) + c] += pixels[(p * 3) + c];
            }
        }

        for (var i = 0; i < palette.Length; i++)
        {
            palette[i] /= Math.Max(1, counts[i / 3]);
        }

        var kmeans = Quantise(pixels, palette, clusters);
        var originalBits = (double)width * height * 24;
        var quantisedBits = ((double)width * height * 4) + (16 * 24);
        Console.WriteLine($"image {width}×{height}, 16 colours: {originalBits / quantisedBits:0.00}× smaller (4 bits a pixel + the palette, against 24)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PSNR of the map's palette:  {Psnr(pixels, som):0.00} dB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PSNR of k-means' palette:   {Psnr(pixels, kmeans):0.00} dB"));

        var path = Path.Combine(output, "china.quantised.png");
        MapPictures.Save(SideBySide(width, height, [pixels, som, kmeans]), path);
        Console.WriteLine($"Picture (original, map, k-means): {path}");
        return 0;
    }

    private static float[] Quantise(float[] pixels, ReadOnlySpan<float> palette, int[] colourOf)
    {
        var result = new float[pixels.Length];
        for (var p = 0; p < colourOf.Length; p++)
        {
            palette.Slice(colourOf[p] * 3, 3).CopyTo(result.AsSpan(p * 3, 3));
        }

        return result;
    }

    /// <summary>10·log10(1 / MSE) over all channels in [0, 1].</summary>
    private static double Psnr(float[] original, float[] quantised)
    {
        double sum = 0;
        for (var i = 0; i < original.Length; i++)
        {
            var d = original[i] - quantised[i];
            sum += d * d;
        }

        return 10 * Math.Log10(original.Length / sum);
    }

    private static (int Width, int Height, float[] Pixels) ReadPpm(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var fields = new List<string>();
        var at = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            var start = at;
            while (!char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            fields.Add(System.Text.Encoding.ASCII.GetString(bytes, start, at - start));
        }

        if (fields[0] != "P6" || fields[3] != "255")
        {
            throw new InvalidDataException($"{path}: a binary PPM (P6, 8 bits) is expected.");
        }

        var (width, height) = (int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
        return (width, height, [.. bytes.AsSpan(at + 1, width * height * 3).ToArray().Select(b => b / 255f)]);
    }

    private static byte[] SideBySide(int width, int height, float[][] images)
    {
        using var bitmap = new SKBitmap((width * images.Length) + (8 * (images.Length - 1)), height);
        bitmap.Erase(SKColors.White);
        for (var i = 0; i < images.Length; i++)
        {
            for (var p = 0; p < width * height; p++)
            {
                byte Channel(int c) => (byte)Math.Round(255 * Math.Clamp(images[i][(p * 3) + c], 0, 1));
                bitmap.SetPixel((i * (width + 8)) + (p % width), p / width, new SKColor(Channel(0), Channel(1), Channel(2)));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
