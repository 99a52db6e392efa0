using Kohonen.Tracking;
using Kohonen.Tracking.Mlflow;

namespace Kohonen.Cli.Settings;

/// <summary>Opens the store the settings name: an MLflow server when MLFLOW_TRACKING_URI is set (and no
/// --store flag asks for a folder), otherwise the embedded store in the data directory.</summary>
internal static class TrackingStores
{
    /// <param name="settings">The settings.</param>
    /// <param name="storeFlag">--store, when given.</param>
    /// <param name="create">Whether to create the embedded store's folder when it does not exist: only
    /// commands that write create it; the others refuse a missing folder (exit 2) and leave the disk as
    /// it was.</param>
    public static ITrackingStore Open(KohonenSettings settings, string? storeFlag, bool create = true)
    {
        if (storeFlag is null && settings.MlflowTrackingUri is { } uri)
        {
            return new MlflowTrackingStore(new MlflowClientOptions
            {
                TrackingUri = uri,
                Token = settings.MlflowToken,
                Username = settings.MlflowUsername,
                Password = settings.MlflowPassword,
            });
        }

        var folder = storeFlag is null ? settings.DataDirectory : Path.GetFullPath(storeFlag);
        if (File.Exists(folder))
        {
            throw new UsageException($"{(storeFlag is null ? "KOHONEN_DATA" : "--store")}: '{folder}' is a file; give the store's folder.");
        }

        if (!create && !Directory.Exists(folder))
        {
            throw new UsageException($"{(storeFlag is null ? "KOHONEN_DATA" : "--store")}: there is no store at '{folder}' (the folder does not exist); `kohonen train` creates one.");
        }

        return SqliteTrackingStore.Open(folder);
    }

    /// <summary>Where the store is, for people: the server's address or the folder.</summary>
    public static string Describe(ITrackingStore store) => store switch
    {
        MlflowTrackingStore m => m.TrackingUri.ToString(),
        SqliteTrackingStore s => s.DataDirectory,
        _ => store.GetType().Name,
    };

    public static void Close(ITrackingStore store) => (store as IDisposable)?.Dispose();
}
