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
}
