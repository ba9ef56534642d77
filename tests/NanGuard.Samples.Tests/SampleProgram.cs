using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Xunit;

namespace NanGuard.Samples.Tests;

/// <summary>
/// A runnable sample, built by this project's build (into the samples' shared output folder) and run as its user runs
/// it: <c>dotnet &lt;sample&gt;.dll</c>, in its own process, reading what it prints. Each program runs once per test
/// run, whichever tests read its log.
/// </summary>
internal static class SampleProgram
{
    // The rate sweeps train 18 runs each and take 4 to 5 minutes on a shared 2-core machine, more when they run together.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);
    private static readonly ConcurrentDictionary<string, Lazy<Task<SampleLog>>> Runs = new();

    /// <summary>Runs the sample (once) and returns its log; fails the test if it does not exit with 0.</summary>
    public static Task<SampleLog> Run(string name, params string[] args) =>
        Runs.GetOrAdd(name + " " + string.Join(" ", args), _ => new Lazy<Task<SampleLog>>(() => Start(name, args))).Value;

    private static async Task<SampleLog> Start(string name, string[] args)
    {
        var path = typeof(SampleProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "sample:" + name)?.Value
            ?? throw new InvalidOperationException($"the sample {name} is not referenced by the test project");
        Assert.True(File.Exists(path), $"{path} was not built");

        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The logs print numbers as the current culture writes them; the tests read them in the invariant one.
        start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        start.ArgumentList.Add(path);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(Timeout)) != exited)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{name} did not finish in {Timeout.TotalMinutes} minutes");
        }

        var log = new SampleLog(name, await output, clock.Elapsed);
        Assert.True(process.ExitCode == 0, $"{name} exited with {process.ExitCode}:\n{log.Text}\n{await error}");
        return log;
    }

    /// <summary>The dotnet the tests run under (the SDK sets DOTNET_HOST_PATH), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

/// <summary>What a sample printed.</summary>
internal sealed class SampleLog
{
    public SampleLog(string name, string text, TimeSpan elapsed)
    {
        Name = name;
        Text = text;
        Elapsed = elapsed;
        Lines = text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToList();
    }

    public string Name { get; }

    public string Text { get; }

    public TimeSpan Elapsed { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The rows of the log's table: lines whose first field is a number (an epoch or a step), split on spaces.</summary>
    public IReadOnlyList<string[]> NumberedRows() =>
        Lines.Select(Fields).Where(fields => fields.Length > 1 && int.TryParse(fields[0], out _)).ToList();

    /// <summary>The one line that starts with <paramref name="prefix"/> (after indentation).</summary>
    public string Line(string prefix)
    {
        var matches = Lines.Where(line => line.TrimStart().StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"{Name}: expected one line starting with '{prefix}', found {matches.Count} in:\n{Text}");
        return matches[0];
    }

    /// <summary>The lines that start with <paramref name="prefix"/> (after indentation).</summary>
    public IReadOnlyList<string> LinesStartingWith(string prefix) =>
        Lines.Where(line => line.TrimStart().StartsWith(prefix, StringComparison.Ordinal)).ToList();

    public static string[] Fields(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A number as the samples print it: invariant culture, NaN, and a trailing % allowed.</summary>
    public static double Number(string field) =>
        double.Parse(field.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture);
}
