using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace NanGuard.EndToEnd.Tests;

/// <summary>What each package holds and declares: a packaging slip fails here.</summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageContentsTests
{
    private readonly PackagesFixture packages;

    public PackageContentsTests(PackagesFixture packages) => this.packages = packages;

    [Fact]
    public void Analyzers_package_holds_the_analyzers_and_no_lib()
    {
        using var package = ZipFile.OpenRead(packages.Package("NanGuard.Analyzers"));
        var files = Files(package);
        Assert.Contains("analyzers/dotnet/cs/NanGuard.Analyzers.dll", files);
        Assert.Contains("analyzers/dotnet/cs/NanGuard.CodeFixes.dll", files);
        Assert.Contains("README.md", files);
        Assert.Contains("icon.png", files);
        Assert.DoesNotContain(files, f => f.StartsWith("lib/", StringComparison.Ordinal) || f.StartsWith("ref/", StringComparison.Ordinal));
        Assert.DoesNotContain(files, f => f.Contains("Microsoft.CodeAnalysis", StringComparison.Ordinal) || f.EndsWith("TorchSharp.dll", StringComparison.Ordinal));

        var metadata = Nuspec(package);
        Assert.Equal("true", Value(metadata, "developmentDependency"));
        Assert.Equal(packages.Version, Value(metadata, "version"));
        Assert.Equal("README.md", Value(metadata, "readme"));
        Assert.Equal("icon.png", Value(metadata, "icon"));
        Assert.Contains("NG1001", Value(metadata, "releaseNotes"));
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
    }

    [Fact]
    public void Tool_package_is_a_dotnet_tool_named_nanguard()
    {
        using var package = ZipFile.OpenRead(packages.Package("NanGuard.Tool"));
        var files = Files(package);
        Assert.Contains("tools/net10.0/any/nanguard.dll", files);
        Assert.Contains("tools/net10.0/any/NanGuard.Analyzers.dll", files);
        Assert.Contains("tools/net10.0/any/NanGuard.CodeFixes.dll", files);
        // The command line's parser travels with the tool: a dotnet tool restores no dependencies of its own.
        Assert.Contains("tools/net10.0/any/System.CommandLine.dll", files);
        Assert.Contains(files, f => f.StartsWith("tools/net10.0/any/BuildHost-netcore/", StringComparison.Ordinal));
        Assert.Contains("README.md", files);
        Assert.Contains("icon.png", files);
        // TorchSharp's API surface is embedded as metadata, never shipped as an assembly a process could load.
        Assert.DoesNotContain(files, f => f.EndsWith("TorchSharp.dll", StringComparison.OrdinalIgnoreCase));

        var settings = XDocument.Load(package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
        Assert.Equal("nanguard", settings.Descendants("Command").Single().Attribute("Name")!.Value);
        var metadata = Nuspec(package);
        Assert.Equal("DotnetTool", metadata.Descendants().Single(e => e.Name.LocalName == "packageType").Attribute("name")!.Value);
        Assert.Equal(packages.Version, Value(metadata, "version"));
    }

    [RuntimePackageFact]
    public void Runtime_package_depends_on_TorchSharp_and_brings_the_analyzers()
    {
        using var package = ZipFile.OpenRead(packages.Package("NanGuard.Runtime"));
        var files = Files(package);
        Assert.Contains("lib/netstandard2.0/NanGuard.Runtime.dll", files);
        Assert.Contains("README.md", files);
        Assert.Contains("icon.png", files);
        Assert.DoesNotContain(files, f => f.EndsWith("TorchSharp.dll", StringComparison.OrdinalIgnoreCase));

        var metadata = Nuspec(package);
        Assert.Equal(packages.Version, Value(metadata, "version"));
        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        var torch = Assert.Single(dependencies, d => d.Attribute("id")!.Value == "TorchSharp");
        // The minor version NanGuard compiles and tests against, with its patch releases; not the next minor.
        var built = Version.Parse(packages.TorchSharpVersion);
        Assert.Equal($"[{built.ToString(3)}, {built.Major}.{built.Minor + 1}.0)", torch.Attribute("version")!.Value);
        var analyzers = Assert.Single(dependencies, d => d.Attribute("id")!.Value == "NanGuard.Analyzers");
        Assert.Equal($"[{packages.Version}]", analyzers.Attribute("version")!.Value);
        // An excluded "Analyzers" asset would stop the analyzers from reaching the runtime's users.
        Assert.Null(analyzers.Attribute("exclude"));
        Assert.Null(analyzers.Attribute("include"));
    }

    [Fact]
    public void Every_package_has_the_one_version()
    {
        var packed = Directory.GetFiles(packages.Feed, "*.nupkg").Select(Path.GetFileName).ToList();
        Assert.Contains($"NanGuard.Analyzers.{packages.Version}.nupkg", packed);
        Assert.Contains($"NanGuard.Tool.{packages.Version}.nupkg", packed);
        Assert.All(packed, name => Assert.EndsWith($".{packages.Version}.nupkg", name));
    }

    private static string[] Files(ZipArchive package) => package.Entries.Select(e => e.FullName).ToArray();

    private static XElement Nuspec(ZipArchive package)
    {
        var entry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/'));
        using var stream = entry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
}

/// <summary>A fact that runs once src/NanGuard.Runtime exists (it is being written on another branch).</summary>
public sealed class RuntimePackageFactAttribute : FactAttribute
{
    public RuntimePackageFactAttribute()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NanGuard.Analyzers.sln")))
            {
                if (!File.Exists(Path.Combine(dir.FullName, "src", "NanGuard.Runtime", "NanGuard.Runtime.csproj")))
                    Skip = "src/NanGuard.Runtime is not in this tree yet: the NanGuard.Runtime package is not packed";
                return;
            }
        }
    }
}
