using System.Globalization;
using System.Net.Sockets;
using Kohonen.Cli.Settings;
using Microsoft.AspNetCore.Builder;

namespace Kohonen.Cli.Commands;

/// <summary>
/// What <c>kohonen serve</c> checks before it listens, and how it says that it cannot: a listening
/// address with a port outside 1..65535, a KOHONEN_TRAIN_DATA_DIR that is not a folder, and a port in
/// use each end the command with one line and an exit code, never a stack trace.
/// </summary>
internal static class ServeChecks
{
    /// <summary>Refuses settings the service cannot start with (exit 2).</summary>
    public static void Check(KohonenSettings settings, string addresses, string source)
    {
        foreach (var address in addresses.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            CheckAddress(address, source);
        }

        if (settings.TrainDataDirectory is { } folder && !Directory.Exists(folder))
        {
            throw new SettingsException(
                $"setting KOHONEN_TRAIN_DATA_DIR (from {settings.SourceOf("KOHONEN_TRAIN_DATA_DIR")}) is '{folder}', which is not an existing folder; create it or unset the setting.");
        }
    }

    /// <summary>Starts the host; an address in use or not available here is a one-line
    /// <see cref="IOException"/> (exit 1).</summary>
    public static async Task StartAsync(WebApplication app, string addresses, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            Exception? inner = e;
            while (inner is not null and not SocketException)
            {
                inner = inner.InnerException;
            }

            var cause = inner?.Message ?? e.Message;
            throw new IOException($"cannot listen on {addresses}: {cause}", e);
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot listen on {addresses}: {e.Message}", e);
        }
    }

    private static void CheckAddress(string address, string source)
    {
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0 || address[..scheme] is not ("http" or "https"))
        {
            throw new UsageException($"{source}: '{address}' is not an address to listen on; write http://HOST:PORT (or https://).");
        }

        var rest = address[(scheme + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var colon = authority.LastIndexOf(':');
        if (colon < 0 || authority.EndsWith(']'))
        {
            return;
        }

        var port = authority[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 0 or > 65535)
        {
            throw new UsageException($"{source}: '{address}' has port '{port}'; a port is a whole number in 0..65535.");
        }
    }
}
