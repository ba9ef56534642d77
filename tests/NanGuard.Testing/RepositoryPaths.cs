using System;
using System.IO;

namespace NanGuard.Testing;

/// <summary>Finds files of the repository the tests were built from.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding NanGuard.Analyzers.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine(Root, Path.Combine(parts));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "NanGuard.Analyzers.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("NanGuard.Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}
