using System;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;

namespace NanGuard.Cli.Loading;

/// <summary>The TorchSharp a loose folder is analyzed with, and a sentence that says where it came from.</summary>
public sealed record TorchSharpReference(MetadataReference Reference, string Description);

/// <summary>
/// Finds TorchSharp for files that have no project: the newest TorchSharp package in the user's NuGet package
/// folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>); failing that, the TorchSharp assembly the tool
/// carries (read as metadata only, never run). Either way the description names the version.
/// </summary>
public static class TorchSharpLocator
{
    private const string EmbeddedName = "NanGuard.Cli.TorchSharp.dll";

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
        if (dll is null)
            return null;
        var image = File.ReadAllBytes(dll);
        return new TorchSharpReference(MetadataReference.CreateFromImage(image, filePath: dll),
            $"TorchSharp {AssemblyVersion(image)} from the package {dll}");
    }

    /// <summary>The TorchSharp assembly the tool carries: the real package's, at the version NanGuard is built against.</summary>
    public static TorchSharpReference Embedded(string packagesFolder)
    {
        using var stream = typeof(TorchSharpLocator).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new InvalidOperationException("the tool is missing its embedded TorchSharp assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var image = copy.ToArray();
        return new TorchSharpReference(
            MetadataReference.CreateFromImage(image, filePath: "TorchSharp.dll"),
            $"NanGuard's built-in TorchSharp {AssemblyVersion(image)} (no TorchSharp package in {packagesFolder})");
    }

    /// <summary>The assembly's version as TorchSharp numbers its packages (major.minor.build).</summary>
    private static string AssemblyVersion(byte[] image)
    {
        using var reader = new PEReader(new MemoryStream(image, writable: false));
        return reader.GetMetadataReader().GetAssemblyDefinition().Version.ToString(3);
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
