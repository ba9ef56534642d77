using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace NanGuard.EndToEnd.Tests;

/// <summary>
/// Packs NanGuard once per test run with the documented command, into a local feed in a scratch folder, and prepares
/// what a user's machine has: a nuget.config naming that feed and the registry, and an empty NuGet package folder
/// (the scratch projects restore the real TorchSharp package into it).
/// </summary>
public sealed class PackagesFixture : IDisposable
{
    public PackagesFixture()
    {
        Root = FindRoot();
        Version = XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants("NanGuardVersion").Single().Value;
        Scratch = Path.Combine(Path.GetTempPath(), "nanguard-e2e-" + Guid.NewGuid().ToString("N")[..8]);
        Feed = Path.Combine(Scratch, "feed");
        Directory.CreateDirectory(Feed);

        Pack = DotnetCli.Run("dotnet", Root, new Dictionary<string, string>(),
            "pack", Path.Combine(Root, "nuget", "NanGuard.Packages.proj"), "-o", Feed, "-nologo");
        Assert.True(Pack.ExitCode == 0, Pack.ToString());

        TorchSharpVersion = XDocument.Load(Path.Combine(Root, "Directory.Packages.props")).Descendants("TorchSharpVersion").Single().Value;

        var registry = XDocument.Load(Path.Combine(Root, "nuget.config")).Descendants("add")
            .Select(add => (string?)add.Attribute("value")).First(value => value is not null && value.StartsWith("http", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(Scratch, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="registry" value="{registry}" />
              </packageSources>
            </configuration>
            """);
        Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(Scratch, "packages") };
    }

    public string Root { get; }
    public string Version { get; }

    /// <summary>The TorchSharp version NanGuard builds against (Directory.Packages.props).</summary>
    public string TorchSharpVersion { get; }
    public string Scratch { get; }
    public string Feed { get; }
    public CommandResult Pack { get; }
    public IReadOnlyDictionary<string, string> Environment { get; }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Runs dotnet (or another program) in the scratch folder's environment.</summary>
    public CommandResult Run(string workingDirectory, params string[] args) => DotnetCli.Run("dotnet", workingDirectory, Environment, args);

    /// <summary>Runs an installed program (the tool) in the scratch folder's environment.</summary>
    public CommandResult RunProgram(string program, string workingDirectory, params string[] args) => DotnetCli.Run(program, workingDirectory, Environment, args);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NanGuard.Analyzers.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("NanGuard.Analyzers.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackagesFixture>
{
    public const string Name = "packages";
}
