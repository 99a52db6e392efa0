using System.Runtime.ExceptionServices;

namespace Kohonen.Tracking;

/// <summary>A file drawn from a trained map (a PNG picture, as a rule), drawn once and handed to every
/// output: the store keeps it as the artifact <see cref="ArtifactPath"/>, a command writes it beside
/// the model file under its <see cref="Kind"/>.</summary>
/// <param name="ArtifactPath">Where the store keeps it, relative to the run's artifacts, such as
/// <c>pictures/umatrix.png</c>.</param>
/// <param name="Content">The file's bytes.</param>
public sealed record TrainingPicture(string ArtifactPath, byte[] Content)
{
    /// <summary>The file name without folder or extension: <c>umatrix</c> for
    /// <c>pictures/umatrix.png</c>.</summary>
    public string Kind => Path.GetFileNameWithoutExtension(ArtifactPath);

    /// <summary>Draws pictures, each on its own, on the cores there are (a picture is drawn and
    /// encoded independently of the others): the pictures in the order listed, and when drawings
    /// fail, the exception of the first listed one that failed, as drawing them in turn would throw.</summary>
    /// <param name="drawings">Each picture's artifact path and the drawing that makes its bytes.</param>
    public static TrainingPicture[] DrawAll(IReadOnlyList<(string ArtifactPath, Func<byte[]> Draw)> drawings)
    {
        ArgumentNullException.ThrowIfNull(drawings);
        var pictures = new TrainingPicture[drawings.Count];
        var failures = new Exception?[drawings.Count];
        Parallel.For(0, drawings.Count, i =>
        {
            try
            {
                pictures[i] = new(drawings[i].ArtifactPath, drawings[i].Draw());
            }
            catch (Exception e)
            {
                failures[i] = e;
            }
        });
        if (Array.Find(failures, f => f is not null) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return pictures;
    }
}
