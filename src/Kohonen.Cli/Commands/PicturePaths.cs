namespace Kohonen.Cli.Commands;

/// <summary>Where pictures go beside a model: <c>dir/name.som</c> → <c>dir/name.KIND.png</c>.</summary>
internal static class PicturePaths
{
    public static string Beside(string modelPath, string kind)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var name = Path.GetFileNameWithoutExtension(modelPath);
        return Path.Combine(folder, $"{name}.{kind}.png");
    }
}
