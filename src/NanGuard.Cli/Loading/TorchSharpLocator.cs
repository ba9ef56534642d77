using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NanGuard.Cli.Loading;

/// <summary>The TorchSharp a loose folder is analyzed with, and a sentence that says where it came from.</summary>
public sealed record TorchSharpReference(MetadataReference Reference, string Description);

/// <summary>
/// Finds TorchSharp for files that have no project: the newest TorchSharp package in the user's NuGet package
/// folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>); failing that, the API surface embedded in the tool
/// (TorchSharp's public signatures, no code).
/// </summary>
public static class TorchSharpLocator
{
    private const string EmbeddedName = "NanGuard.Cli.TorchSharpApi.dll";

    /// <summary>The user's NuGet global packages folder.</summary>
    public static string PackagesFolder()
    {
        var configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return !string.IsNullOrWhiteSpace(configured)
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
    }

    /// <summary>TorchSharp from <paramref name="packagesFolder"/> if there is one, else the embedded API surface.</summary>
    public static TorchSharpReference Locate(string packagesFolder) =>
        FromPackages(packagesFolder) ?? Embedded(packagesFolder);

    /// <summary>The newest <c>torchsharp/&lt;version&gt;/lib/&lt;tfm&gt;/TorchSharp.dll</c> in the packages folder.</summary>
    public static TorchSharpReference? FromPackages(string packagesFolder)
    {
        var root = Path.Combine(packagesFolder, "torchsharp");
        if (!Directory.Exists(root))
            return null;
        var dll = Directory.EnumerateDirectories(root)
            .Select(dir => (Dir: dir, Version: Version.TryParse(Path.GetFileName(dir).Split('-')[0], out var v) ? v : null))
            .Where(entry => entry.Version is not null)
            .OrderByDescending(entry => entry.Version)
            .Select(entry => FindLibrary(entry.Dir))
            .FirstOrDefault(path => path is not null);
        return dll is null
            ? null
            : new TorchSharpReference(MetadataReference.CreateFromFile(dll), "TorchSharp package " + dll);
    }

    /// <summary>The API surface the tool carries (ref/TorchSharp: TorchSharp 0.106.0's public signatures).</summary>
    public static TorchSharpReference Embedded(string packagesFolder)
    {
        using var stream = typeof(TorchSharpLocator).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException("the tool is missing its embedded TorchSharp API surface");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return new TorchSharpReference(
            MetadataReference.CreateFromImage(copy.ToArray(), filePath: "TorchSharp.dll"),
            "NanGuard's built-in TorchSharp 0.106.0 API surface (no TorchSharp package in " + packagesFolder + ")");
    }

    private static string? FindLibrary(string versionDirectory)
    {
        var lib = Path.Combine(versionDirectory, "lib");
        if (!Directory.Exists(lib))
            return null;
        return new[] { "net8.0", "net7.0", "net6.0", "netstandard2.1", "netstandard2.0" }
            .Select(tfm => Path.Combine(lib, tfm, "TorchSharp.dll"))
            .Concat(Directory.EnumerateFiles(lib, "TorchSharp.dll", SearchOption.AllDirectories))
            .FirstOrDefault(File.Exists);
    }
}
