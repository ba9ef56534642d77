using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace NanGuard.EndToEnd.Tests;

/// <summary>A user's paths to NanGuard: package + dotnet build, .editorconfig, dotnet format, and the tool.</summary>
[Collection(PackagesCollection.Name)]
public sealed class UserScenarioTests
{
    private readonly PackagesFixture packages;

    public UserScenarioTests(PackagesFixture packages) => this.packages = packages;

    /// <summary>A console project with TorchSharp and NanGuard.Analyzers from the local feed, holding the MNIST sample's bug.</summary>
    private string CreateApp(string name)
    {
        var folder = Path.Combine(packages.Scratch, name);
        Ok(packages.Run(packages.Scratch, "new", "console", "-o", folder, "-n", "App", "--no-restore"));
        File.WriteAllText(Path.Combine(folder, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>disable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <!-- The managed package: NanGuard analyzes the code; nothing here runs a tensor. -->
                <PackageReference Include="TorchSharp" Version="{packages.TorchSharpVersion}" />
              </ItemGroup>
            </Project>
            """);
        File.Copy(Path.Combine(packages.Root, "samples", "MnistSoftmaxLoss", "Buggy", "Program.cs"), Path.Combine(folder, "Program.cs"), overwrite: true);
        Ok(packages.Run(folder, "add", "package", "NanGuard.Analyzers", "--version", packages.Version));
        // A development dependency: `dotnet add package` keeps it private to the project.
        Assert.Contains("PrivateAssets", File.ReadAllText(Path.Combine(folder, "App.csproj")));
        return folder;
    }

    [Fact]
    public void Build_reports_warnings_fails_with_warnaserror_and_writes_sarif()
    {
        var app = CreateApp("build");

        var build = Ok(packages.Run(app, "build", "-tl:off", "-p:ErrorLog=nanguard.sarif%2Cversion=2.1"));
        Assert.Matches(@"Program\.cs\(57,\d+\): warning NG1002:", build.Output);
        Assert.Matches(@"Program\.cs\(59,\d+\): warning NG2001:", build.Output);
        Assert.Matches(@"Program\.cs\(96,\d+\): warning NG1001:", build.Output);

        using (var sarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "nanguard.sarif"))))
        {
            var run = sarif.RootElement.GetProperty("runs")[0];
            Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
            var ruleIds = run.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).ToList();
            Assert.Contains("NG1001", ruleIds);
            Assert.Contains("NG1002", ruleIds);
            Assert.Contains("NG2001", ruleIds);
            var rule = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "NG1001");
            Assert.EndsWith("docs/rules/NG1001.md", rule.GetProperty("helpUri").GetString());
        }

        // A fresh compile, as in CI: an up-to-date build runs no analyzer.
        var strict = packages.Run(app, "build", "-tl:off", "--no-restore", "--no-incremental", "-warnaserror");
        Assert.NotEqual(0, strict.ExitCode);
        Assert.Contains("error NG1001", strict.Output);

        // The installed tool loads the project through MSBuild.
        var tool = InstallTool();
        var check = packages.RunProgram(tool, app, "check", Path.Combine(app, "App.csproj"), "--format", "sarif", "-o", "tool.sarif");
        Assert.True(check.ExitCode == 1, check.ToString());
        using var toolSarif = JsonDocument.Parse(File.ReadAllText(Path.Combine(app, "tool.sarif")));
        var results = toolSarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal("Program.cs", r.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString()));
    }

    [Fact]
    public void Editorconfig_and_dotnet_format_fix_the_project_until_it_builds_clean()
    {
        var app = CreateApp("format");
        File.WriteAllText(Path.Combine(app, ".editorconfig"), """
            root = true

            [*.cs]
            dotnet_diagnostic.NG1002.severity = none
            dotnet_diagnostic.NG2001.severity = error
            nanguard.NG2001.max_norm = 0.5
            """);

        var build = packages.Run(app, "build", "-tl:off");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error NG2001", build.Output);
        // NG1002 is off: no NG1002 diagnostic (NG2001's message may still name the unstable loss it found).
        Assert.DoesNotMatch(@"(warning|error|info) NG1002", build.Output);

        Ok(packages.Run(app, "format", "analyzers", "--diagnostics", "NG1001", "NG2001", "--severity", "info", "--no-restore"));
        var fixedCode = File.ReadAllText(Path.Combine(app, "Program.cs"));
        Assert.Contains("log_softmax", fixedCode);
        Assert.Contains("clip_grad_norm_", fixedCode);
        Assert.Contains("0.5", fixedCode);

        var clean = Ok(packages.Run(app, "build", "-tl:off", "--no-restore", "--no-incremental", "-warnaserror"));
        Assert.DoesNotContain("warning NG", clean.Output);
    }

    [Fact]
    public void Installed_tool_checks_and_fixes_the_samples()
    {
        var tool = InstallTool();
        var samples = Path.Combine(packages.Scratch, "samples");
        foreach (var file in Directory.GetFiles(Path.Combine(packages.Root, "samples"), "*", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var target = Path.Combine(samples, Path.GetRelativePath(Path.Combine(packages.Root, "samples"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        var check = packages.RunProgram(tool, packages.Scratch, "check", "samples");
        Assert.True(check.ExitCode == 1, check.ToString());
        Assert.Contains("samples/MnistSoftmaxLoss/Buggy/Program.cs(96,27): warning NG1001:", check.Output);
        Assert.Contains("warning NG2001", check.Output);
        Assert.Contains("built-in TorchSharp", check.Output);
        Assert.DoesNotContain("Fixed/Program.cs", check.Output);

        // The Guarded and Cures samples use NanGuard.Runtime, which a folder check does not reference: once the findings
        // are fixed, those files not compiling is what keeps the run from passing (exit 4), and the tool says why.
        var fix = packages.RunProgram(tool, packages.Scratch, "check", "samples", "--fix");
        Assert.True(fix.ExitCode == 4, fix.ToString());
        Assert.Matches(@"fixed [1-9][0-9]* files", fix.Output);
        Assert.Matches(@"warning: 2 of [0-9]+ files analysed do not compile \([0-9]+ compiler errors\): NanGuard's findings in them may be missing", fix.Output);
        Assert.Contains("CS0246 in 2 files", fix.Output);
        // The samples that are already fixed are left byte for byte as they were.
        foreach (var original in Directory.GetFiles(Path.Combine(packages.Root, "samples"), "Program.cs", SearchOption.AllDirectories)
                     .Where(f => f.Contains($"{Path.DirectorySeparatorChar}Fixed{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var copy = Path.Combine(samples, Path.GetRelativePath(Path.Combine(packages.Root, "samples"), original));
            Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(copy));
        }

        var again = packages.RunProgram(tool, packages.Scratch, "check", "samples", "--format", "json", "--allow-compile-errors");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("\"filesWithCompileErrors\": 2", again.Output);
        Assert.Contains("\"warnings\": 0", again.Output);

        // No local a fix made unread is left behind: every local the original read is still read after --fix
        // (the one-hot targets and the probabilities of the hand-written losses went with them).
        foreach (var original in Directory.GetFiles(Path.Combine(packages.Root, "samples"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var before = File.ReadAllText(original);
            var after = File.ReadAllText(Path.Combine(samples, Path.GetRelativePath(Path.Combine(packages.Root, "samples"), original)));
            foreach (var name in Regex.Matches(after, @"\bvar (\w+) =").Select(m => m.Groups[1].Value))
            {
                bool IsRead(string text) => Regex.Matches(text, @"\b" + name + @"\b").Count > 1;
                Assert.True(!IsRead(before) || IsRead(after), $"{original}: --fix left the local {name} unread");
            }
        }
        var mnist = File.ReadAllText(Path.Combine(samples, "MnistSoftmaxLoss", "Buggy", "Program.cs"));
        Assert.Contains("F.cross_entropy(logits, labels", mnist);
        Assert.DoesNotContain("var targets =", mnist);
        Assert.DoesNotContain("var probabilities =", mnist);

        var missing = packages.RunProgram(tool, packages.Scratch, "check", "nowhere");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nanguard: nowhere does not exist", missing.Output);
        Assert.DoesNotContain("   at ", missing.Output);
    }

    [Fact]
    public void Installed_tool_has_the_command_line_of_a_dotnet_tool()
    {
        var tool = InstallTool();

        var version = packages.RunProgram(tool, packages.Scratch, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal(packages.Version, version.Output.Trim());

        var help = packages.RunProgram(tool, packages.Scratch, "check", "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("nanguard check <path> [options]", help.Output);
        Assert.Contains("--fix-read-only", help.Output);

        // No command is an error, as for every other tool: the usage, and exit code 2.
        var none = packages.RunProgram(tool, packages.Scratch);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("Required command was not provided.", none.Output);
        Assert.Contains("nanguard [command] [options]", none.Output);

        var rsp = Path.Combine(packages.Scratch, "nanguard.rsp");
        File.WriteAllLines(rsp, new[] { "check", "nowhere" });
        var fromFile = packages.RunProgram(tool, packages.Scratch, "@" + rsp);
        Assert.Equal(2, fromFile.ExitCode);
        Assert.Contains("nanguard: nowhere does not exist", fromFile.Output);
    }

    private string InstallTool()
    {
        var tools = Path.Combine(packages.Scratch, "tools");
        var executable = Path.Combine(tools, OperatingSystem.IsWindows() ? "nanguard.exe" : "nanguard");
        lock (packages)
        {
            if (!File.Exists(executable))
                Ok(packages.Run(packages.Scratch, "tool", "install", "NanGuard.Tool", "--version", packages.Version, "--tool-path", tools));
        }
        return executable;
    }

    private static CommandResult Ok(CommandResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
