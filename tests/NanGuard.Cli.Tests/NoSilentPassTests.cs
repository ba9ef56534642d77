using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using static NanGuard.Cli.Tests.Tool;

namespace NanGuard.Cli.Tests;

/// <summary>
/// Issue #23, "no silent pass": files that do not compile are reported (standard error, JSON, SARIF) and keep the run
/// from passing; folder mode adds the SDK's global usings a project enables; counts, paths and --exclude.
/// </summary>
public sealed class NoSilentPassTests
{
    // Code written against a package a folder check does not have (no finding in what does bind).
    private const string MissingPackage = """
        using Newtonsoft.Json;
        using TorchSharp;
        using static TorchSharp.torch;

        static class Train
        {
            static Tensor Run(Tensor x)
            {
                var settings = new JsonSerializerSettings();
                var log = new JsonTextWriter(null);
                return x * 2;
            }
        }
        """;

    // Compiles only with the SDK's implicit usings: List<> (System.Collections.Generic) and File (System.IO).
    private const string NeedsImplicitUsings = """
        using TorchSharp;
        using static TorchSharp.torch;

        static class Loss
        {
            static List<Tensor> Losses = new();
            static string Read(string path) => File.ReadAllText(path);
            static Tensor Compute(Tensor logits) => torch.log(nn.functional.softmax(logits, 1));
        }
        """;

    [Fact]
    public async Task Files_that_do_not_compile_are_named_on_standard_error_with_their_causes_and_exit_4()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Train.cs"), MissingPackage);
        File.WriteAllText(folder.File("Clean.cs"), "static class Clean { static int One() => 1; }");

        var (code, output, errors) = await RunAsync("check", folder.Path, "-q");

        Assert.Equal(ExitCodes.CompileErrors, code);
        Assert.Contains("nanguard: warning: 1 of 2 files analysed does not compile (3 compiler errors): NanGuard's findings in it may be missing.", errors);
        // The cause by id and shape, with the missing names counted.
        Assert.Contains("nanguard:   CS0246 in 1 file (3 errors): The type or namespace name '…' could not be found", errors);
        Assert.Contains(": JsonSerializerSettings x1, JsonTextWriter x1, Newtonsoft x1", errors);
        Assert.Matches(@"first: .*Train\.cs\(1,7\): error CS0246: The type or namespace name 'Newtonsoft' could not be found", errors);
        // With -q too, and the summary on standard output says it as well.
        Assert.Contains("no findings in 2 files; 1 of 2 files analysed does not compile", output);
    }

    [Fact]
    public async Task Allow_compile_errors_reports_them_and_exits_as_the_findings_say()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Train.cs"), MissingPackage);

        var (code, _, errors) = await RunAsync("check", folder.Path, "-q", "--allow-compile-errors");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("the 1 file analysed does not compile (3 compiler errors)", errors);

        // Findings still exit with 1, compile errors or not.
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        (code, _, errors) = await RunAsync("check", folder.Path, "-q");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.Contains("1 of 2 files analysed does not compile", errors);
        // --fail-on concerns findings: above them, the files that did not compile still fail the run.
        (code, _, _) = await RunAsync("check", folder.Path, "-q", "--fail-on", "never");
        Assert.Equal(ExitCodes.CompileErrors, code);
    }

    [Fact]
    public async Task Nothing_compiled_is_said_and_is_not_a_pass()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("A.cs"), MissingPackage);
        File.WriteAllText(folder.File("B.cs"), MissingPackage.Replace("class Train", "class TrainB", StringComparison.Ordinal));
        var (code, output, errors) = await RunAsync("check", folder.Path, "--format", "json", "-q");
        Assert.Equal(ExitCodes.CompileErrors, code);
        Assert.Contains("none of the 2 files analysed compiles (6 compiler errors)", errors);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("filesWithCompileErrors").GetInt32());
    }

    [Fact]
    public async Task Json_reports_compile_errors_with_causes_names_and_first_error()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("src"));
        File.WriteAllText(folder.File("src/Train.cs"), MissingPackage);
        File.WriteAllText(folder.File("Loss.cs"), Buggy);

        var (code, output, _) = await RunAsync("check", folder.Path, "--format", "json", "-q");

        Assert.Equal(ExitCodes.FindingsRemain, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var errors = root.GetProperty("compileErrors");
        Assert.Equal(1, errors.GetProperty("files").GetInt32());
        Assert.Equal(3, errors.GetProperty("errors").GetInt32());
        Assert.Contains("findings in it may be missing", errors.GetProperty("message").GetString());
        var cause = errors.GetProperty("causes").EnumerateArray().Single();
        Assert.Equal("CS0246", cause.GetProperty("id").GetString());
        Assert.StartsWith("The type or namespace name '…' could not be found", cause.GetProperty("shape").GetString());
        Assert.Equal(new[] { "JsonSerializerSettings", "JsonTextWriter", "Newtonsoft" },
            cause.GetProperty("names").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        var first = cause.GetProperty("first");
        Assert.Equal("src/Train.cs", first.GetProperty("path").GetString());
        Assert.Equal(1, first.GetProperty("line").GetInt32());
        Assert.Equal(1, root.GetProperty("summary").GetProperty("filesWithCompileErrors").GetInt32());
    }

    [Fact]
    public async Task Sarif_reports_compile_errors_as_warning_notifications_of_a_successful_invocation()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Train.cs"), MissingPackage);
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        var sarifPath = folder.File("report.sarif");

        var (code, _, _) = await RunAsync("check", folder.Path, "--format", "sarif", "-o", sarifPath, "-q");

        Assert.Equal(ExitCodes.FindingsRemain, code);
        using var sarif = JsonDocument.Parse(File.ReadAllText(sarifPath));
        var invocation = sarif.RootElement.GetProperty("runs")[0].GetProperty("invocations").EnumerateArray().Single();
        Assert.True(invocation.GetProperty("executionSuccessful").GetBoolean());
        Assert.Equal(ExitCodes.FindingsRemain, invocation.GetProperty("exitCode").GetInt32());
        var notifications = invocation.GetProperty("toolExecutionNotifications").EnumerateArray().ToList();
        Assert.Equal(2, notifications.Count);
        Assert.All(notifications, n => Assert.Equal("warning", n.GetProperty("level").GetString()));
        Assert.Equal("1 of 2 files analysed does not compile (3 compiler errors): NanGuard's findings in it may be missing.",
            notifications[0].GetProperty("message").GetProperty("text").GetString());
        var cause = notifications[1];
        Assert.StartsWith("CS0246 in 1 file (3 errors):", cause.GetProperty("message").GetProperty("text").GetString());
        Assert.Equal("CS0246", cause.GetProperty("properties").GetProperty("compilerDiagnosticId").GetString());
        var location = cause.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("Train.cs", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(1, location.GetProperty("region").GetProperty("startLine").GetInt32());
        var properties = invocation.GetProperty("properties");
        Assert.Equal(2, properties.GetProperty("filesAnalyzed").GetInt32());
        Assert.Equal(1, properties.GetProperty("filesWithCompileErrors").GetInt32());
    }

    [Fact]
    public async Task A_clean_run_has_no_notification_and_exits_0()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Clean.cs"), "static class Clean { static int One() => 1; }");
        var (code, output, errors) = await RunAsync("check", folder.Path, "--format", "sarif", "-q");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal("", errors);
        using var sarif = JsonDocument.Parse(output);
        var invocation = sarif.RootElement.GetProperty("runs")[0].GetProperty("invocations")[0];
        Assert.Empty(invocation.GetProperty("toolExecutionNotifications").EnumerateArray());
        Assert.True(invocation.GetProperty("executionSuccessful").GetBoolean());
    }

    [Theory]
    [InlineData("<ImplicitUsings>enable</ImplicitUsings>", "")]
    [InlineData("<ImplicitUsings>true</ImplicitUsings>", "")]
    [InlineData("", "<ImplicitUsings>Enable</ImplicitUsings>")]
    public async Task Folder_mode_adds_the_SDKs_implicit_usings_where_the_project_enables_them(string inProject, string inProps)
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("Trainer"));
        File.WriteAllText(folder.File("Trainer/Trainer.csproj"),
            $"<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net8.0</TargetFramework>{inProject}</PropertyGroup></Project>");
        if (inProps.Length > 0)
            File.WriteAllText(folder.File("Directory.Build.props"), $"<Project><PropertyGroup>{inProps}</PropertyGroup></Project>");
        File.WriteAllText(folder.File("Trainer/Loss.cs"), NeedsImplicitUsings);

        var (code, output, errors) = await RunAsync("check", folder.Path);

        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.DoesNotContain("compile", errors);
        Assert.Contains("warning NG1001", output);
        Assert.Contains("global usings from " + folder.File("Trainer/Trainer.csproj") + " (ImplicitUsings: the SDK's implicit usings)", errors);
        // The generated usings are no file of the report's.
        Assert.Contains("in 1 of 1 file", output);
    }

    [Fact]
    public async Task Without_implicit_usings_the_same_file_does_not_compile_and_says_why()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Trainer.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><ImplicitUsings>disable</ImplicitUsings></PropertyGroup></Project>");
        File.WriteAllText(folder.File("Loss.cs"), NeedsImplicitUsings);

        var (code, _, errors) = await RunAsync("check", folder.Path, "-q");

        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.Contains("the 1 file analysed does not compile (2 compiler errors)", errors);
        Assert.Contains("CS0246 in 1 file (1 error): The type or namespace name '…' could not be found", errors);
        Assert.Contains(": List<> x1", errors);
        Assert.Contains("CS0103 in 1 file (1 error): The name '…' does not exist in the current context: File x1", errors);
    }

    [Fact]
    public async Task Using_items_are_added_with_static_alias_and_remove()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Trainer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
              <ItemGroup>
                <Using Include="TorchSharp" />
                <Using Include="TorchSharp.torch" Static="true" />
                <Using Include="TorchSharp.torch.nn.functional" Alias="F" />
                <Using Remove="System.IO" />
                <Using Include="Conditional.Namespace" Condition="'$(Configuration)' == 'Debug'" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(folder.File("Loss.cs"), """
            static class Loss
            {
                static List<Tensor> Losses = new();
                static Tensor Compute(Tensor logits) => torch.log(F.softmax(logits, 1));
                static string Read(string path) => File.ReadAllText(path);
            }
            """);

        var usings = Loading.SdkUsings.For(folder.Path);
        Assert.NotNull(usings);
        Assert.Equal(new[]
        {
            "global using global::System;", "global using global::System.Collections.Generic;", "global using global::System.Linq;",
            "global using global::System.Net.Http;", "global using global::System.Threading;", "global using global::System.Threading.Tasks;",
            "global using global::TorchSharp;", "global using static global::TorchSharp.torch;", "global using F = global::TorchSharp.torch.nn.functional;",
        }, usings!.Directives);

        var (code, output, errors) = await RunAsync("check", folder.Path, "-q");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.Contains("warning NG1001", output);
        // System.IO was removed, as the SDK would: File is the one error left.
        Assert.Contains("CS0103 in 1 file (1 error): The name '…' does not exist in the current context: File x1", errors);
        Assert.DoesNotContain("CS0246", errors);
    }

    [Fact]
    public void Net_framework_projects_get_no_System_Net_Http_and_projects_without_an_sdk_get_nothing()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Old.csproj"),
            "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net48</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>");
        Assert.DoesNotContain("global using global::System.Net.Http;", Loading.SdkUsings.For(folder.Path)!.Directives);
        Assert.Contains("global using global::System.Linq;", Loading.SdkUsings.For(folder.Path)!.Directives);

        File.WriteAllText(folder.File("Old.csproj"),
            "<Project ToolsVersion=\"15.0\"><PropertyGroup><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>");
        Assert.Empty(Loading.SdkUsings.For(folder.Path)!.Directives);

        File.WriteAllText(folder.File("Old.csproj"), "<Project <broken");
        Assert.Null(Loading.SdkUsings.For(folder.Path));
    }

    [Fact]
    public async Task The_summary_counts_files_with_findings_among_files_analysed()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        File.WriteAllText(folder.File("Loss2.cs"), Buggy.Replace("class Loss", "class Loss2", StringComparison.Ordinal)
            .Replace("static Tensor Compute", "static Tensor Other(Tensor t) => torch.log(F.softmax(t, 0));\n    static Tensor Compute", StringComparison.Ordinal));
        for (var i = 0; i < 3; i++)
            File.WriteAllText(folder.File($"Clean{i}.cs"), $"static class Clean{i} {{ static int One() => 1; }}");

        var (_, output, _) = await RunAsync("check", folder.Path, "-q");
        Assert.Contains("0 errors, 3 warnings, 0 info in 2 of 5 files (NG1001 x3).", output);

        (_, output, _) = await RunAsync("check", folder.Path, "-q", "--format", "json");
        using var json = JsonDocument.Parse(output);
        var summary = json.RootElement.GetProperty("summary");
        Assert.Equal(5, summary.GetProperty("files").GetInt32());
        Assert.Equal(2, summary.GetProperty("filesWithFindings").GetInt32());
        Assert.Equal(3, summary.GetProperty("warnings").GetInt32());
    }

    [Fact]
    public async Task Json_paths_are_relative_to_the_folder_checked_and_not_escaped()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("c++ ports"));
        File.WriteAllText(folder.File("c++ ports/Loss+Grad.cs"), Buggy);
        var elsewhere = Path.GetTempPath();

        var (_, output, _) = await RunAsync("check", folder.Path, "--format", "json", "-q");

        Assert.Contains("\"path\": \"c++ ports/Loss+Grad.cs\"", output);
        Assert.DoesNotContain("\\u002B", output);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(folder.Path, json.RootElement.GetProperty("root").GetString());
        Assert.Equal("c++ ports/Loss+Grad.cs", json.RootElement.GetProperty("findings")[0].GetProperty("path").GetString());
        // Not relative to the current directory: the test host's is not the folder checked.
        Assert.NotEqual(Path.GetFullPath(Environment.CurrentDirectory), folder.Path);
        Assert.False(string.IsNullOrEmpty(elsewhere));
    }

    [Fact]
    public async Task Exclude_leaves_rules_out_repeatable_or_comma_separated_and_says_so()
    {
        using var folder = new TempFolder();
        var sample = File.ReadAllText(RepositoryFile("samples", "MnistSoftmaxLoss", "Buggy", "Program.cs"));
        File.WriteAllText(folder.File("Program.cs"), sample);

        var (_, all, _) = await RunAsync("check", folder.Path, "-q");
        Assert.Contains("NG1001", all);
        Assert.Contains("NG2001", all);

        var (code, output, errors) = await RunAsync("check", folder.Path, "--exclude", "NG1001,ng2001", "--format", "json");
        Assert.Equal(ExitCodes.FindingsRemain, code);
        Assert.Contains("nanguard: rules left out (--exclude): NG1001, NG2001", errors);
        using var json = JsonDocument.Parse(output);
        var ids = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains("NG1002", ids);
        Assert.DoesNotContain("NG1001", ids);
        Assert.DoesNotContain("NG2001", ids);
        Assert.Equal(new[] { "NG1001", "NG2001" }, json.RootElement.GetProperty("excludedRules").EnumerateArray().Select(e => e.GetString()));

        (_, output, _) = await RunAsync("check", folder.Path, "--exclude", "NG1001", "--exclude", "NG2001", "--exclude", "NG1002", "-q");
        Assert.DoesNotContain("NG1001", output);
        Assert.DoesNotContain("NG2001", output);
        Assert.DoesNotContain("NG1002", output);
    }

    [Fact]
    public async Task Fix_with_exclude_does_not_apply_the_excluded_rules_fix()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("Loss.cs"), Buggy);
        var (code, output, _) = await RunAsync("check", folder.Path, "--fix", "--exclude", "NG1001", "-q");
        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(Buggy, File.ReadAllText(folder.File("Loss.cs")));
        Assert.Contains("no findings in 1 file", output);
    }
}
