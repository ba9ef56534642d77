using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace NanGuard.Cli;

/// <summary>The entry point of <c>nanguard</c>.</summary>
public static class Program
{
    /// <summary>Runs the tool; returns the exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the run stop between steps: files are replaced atomically, never left half written.
            e.Cancel = true;
            cancellation.Cancel();
        };
        try
        {
            return await RunAsync(args, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("nanguard: cancelled; no file was left half written.");
            return ExitCodes.Cancelled;
        }
    }

    // Kept apart from Main so that no Roslyn or MSBuild type is loaded before MSBuildLocator registers the SDK.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Task<int> RunAsync(string[] args, CancellationToken cancellationToken) =>
        new CheckCommand(Console.Out, Console.Error).RunAsync(args, cancellationToken);
}
