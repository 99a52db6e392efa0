using System.CommandLine;
using Kohonen.Cli.Settings;

namespace Kohonen.Cli.Commands;

/// <summary><c>kohonen healthcheck</c>: asks a running service's <c>/health</c>; exit 0 when it is healthy.
/// The container's HEALTHCHECK uses it, so the image needs no curl.</summary>
internal static class HealthCheckCommand
{
    public static Command Create(CliConsole console, CliEnvironment environment)
    {
        var url = new Option<string?>("--url") { Description = "The address to ask (default: http://127.0.0.1:PORT/health, PORT from the settings, else 8000)." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the answer.", DefaultValueFactory = _ => 3 };
        var command = new Command("healthcheck", "Ask a running `kohonen serve` whether it is healthy (exit 0) or not (exit 1).") { url, timeout };
        command.SetAction((r, cancellationToken) => CommandRunner.RunAsync(console, CommonOptions.IsVerbose(r, environment), async () =>
        {
            var address = r.GetValue(url) ?? $"http://127.0.0.1:{KohonenSettings.Load(environment).Port}/health";
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new UsageException($"--url must be an http:// or https:// address; got '{address}'.");
            }

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(r.GetValue(timeout)) };
            try
            {
                using var response = await client.GetAsync(uri, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                console.Out.WriteLine($"{(int)response.StatusCode} {body}");
                return response.IsSuccessStatusCode ? ExitCodes.Success : ExitCodes.Failure;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                console.Error.WriteLine($"error: {address} did not answer: {e.Message}");
                return ExitCodes.Failure;
            }
        }));
        return command;
    }
}
