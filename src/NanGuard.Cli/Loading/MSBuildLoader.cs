using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.MSBuild;

namespace NanGuard.Cli.Loading;

/// <summary>A project or solution that could not be loaded, with the reason MSBuild gave.</summary>
public sealed class LoadFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LoadFailedException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}

/// <summary>Loads projects and solutions through MSBuild, with the .NET SDK the user has (MSBuildLocator).</summary>
public static class MSBuildLoader
{
    private static readonly object Gate = new();

    /// <summary>Registers the newest .NET SDK's MSBuild once; must run before any MSBuild type is loaded.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (MSBuildLocator.IsRegistered)
                return;
            try
            {
                MSBuildLocator.RegisterDefaults();
            }
            catch (InvalidOperationException error)
            {
                throw new LoadFailedException("no .NET SDK found to load projects with (install the .NET SDK, or check a folder of .cs files instead)", error);
            }
        }
    }

    /// <summary>Opens <paramref name="path"/> (a .csproj, .sln or .slnx); workspace warnings go to <paramref name="warnings"/>.</summary>
    public static async Task<(MSBuildWorkspace Workspace, Solution Solution)> LoadAsync(string path, Action<string> warnings, CancellationToken cancellationToken)
    {
        EnsureRegistered();
        return await OpenAsync(path, warnings, cancellationToken).ConfigureAwait(false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<(MSBuildWorkspace, Solution)> OpenAsync(string path, Action<string> warnings, CancellationToken cancellationToken)
    {
        var workspace = MSBuildWorkspace.Create();
        var failures = new List<string>();
        workspace.WorkspaceFailed += (_, e) =>
        {
            if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
                failures.Add(e.Diagnostic.Message);
            else
                warnings(e.Diagnostic.Message);
        };
        try
        {
            Solution solution;
            if (path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
                solution = (await workspace.OpenProjectAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false)).Solution;
            else
                solution = await workspace.OpenSolutionAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);

            // A project MSBuild could not evaluate still comes back, empty: with nothing loaded, that is a failure.
            if (failures.Count > 0 && !solution.Projects.Any(p => p.DocumentIds.Count > 0))
                throw new LoadFailedException(string.Join(Environment.NewLine, failures));
            foreach (var failure in failures)
                warnings(failure);
            return (workspace, solution);
        }
        catch (Exception error) when (error is not OperationCanceledException and not LoadFailedException)
        {
            workspace.Dispose();
            var reasons = failures.Count > 0 ? string.Join(Environment.NewLine, failures) : error.Message;
            throw new LoadFailedException(reasons, error);
        }
    }
}
