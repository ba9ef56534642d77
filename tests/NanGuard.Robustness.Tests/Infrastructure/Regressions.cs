using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using NanGuard.Testing;

namespace NanGuard.Robustness.Tests.Infrastructure;

/// <summary>
/// Inputs that once broke a rule or a fix, kept as files in Regressions/*.input.cs: the suite runs every check on
/// each of them. A generated input that fails is written there (Regressions/Found/) so it becomes a regression test.
/// </summary>
public static class Regressions
{
    public static string Folder => RepositoryPaths.Combine("tests", "NanGuard.Robustness.Tests", "Regressions");

    public static IReadOnlyList<CorpusSource> Inputs() =>
        Directory.Exists(Folder)
            ? Directory.GetFiles(Folder, "*.input.cs", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new CorpusSource("Regressions/" + Path.GetRelativePath(Folder, f).Replace('\\', '/'), File.ReadAllText(f)))
                .ToList()
            : Array.Empty<CorpusSource>();

    /// <summary>Keeps a failing input; returns the path it was written to.</summary>
    public static string Keep(string text, string why)
    {
        var found = Path.Combine(Folder, "Found");
        Directory.CreateDirectory(found);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).Substring(0, 12).ToLowerInvariant();
        var path = Path.Combine(found, hash + ".input.cs");
        var header = "// " + why.Split('\n')[0].Replace("\r", "") + "\n";
        File.WriteAllText(path, header + text);
        return path;
    }
}
