using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace NanGuard.Cli.Tests;

/// <summary>What the command's tests share: a snippet with one finding, a run of the command in process, the repository's files.</summary>
internal static class Tool
{
    /// <summary>One NG1001 at (7,45), fixed by F.log_softmax.</summary>
    public const string Buggy = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        static class Loss
        {
            static Tensor Compute(Tensor logits) => torch.log(F.softmax(logits, 1));
        }
        """;

    /// <summary>Runs <c>nanguard</c> with <paramref name="args"/>; its exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await new CheckCommand(output, errors).RunAsync(args, CancellationToken.None);
        return (code, output.ToString(), errors.ToString());
    }

    /// <summary>A file of the repository, by its path's parts.</summary>
    public static string RepositoryFile(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NanGuard.Analyzers.sln")))
                return Path.Combine(dir.FullName, Path.Combine(parts));
        }
        throw new InvalidOperationException("repository root not found");
    }
}
