using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NanGuard.Cli.Loading;
using Xunit;

namespace NanGuard.Cli.Tests;

/// <summary>Which TorchSharp a loose folder is analyzed with, and that the tool says so.</summary>
public sealed class TorchSharpLocatorTests
{
    [Fact]
    public void Without_a_package_the_built_in_real_TorchSharp_is_used_and_its_version_named()
    {
        using var empty = new TempFolder();
        var located = TorchSharpLocator.Locate(empty.Path);

        Assert.Equal($"NanGuard's built-in TorchSharp 0.107.0 (no TorchSharp package in {empty.Path})", located.Description);
        // The real assembly, not an imitation: members the old imitation lacked or declared otherwise are there.
        var compilation = CSharpCompilation.Create("probe", references: new[] { located.Reference });
        var torchSharp = compilation.GetAssemblyOrModuleSymbol(located.Reference) as IAssemblySymbol;
        Assert.Equal("0.107.0.0", torchSharp!.Identity.Version.ToString());
        Assert.Equal("67b0e5e1da516a1c", string.Concat(torchSharp.Identity.PublicKeyToken.Select(b => b.ToString("x2"))));
        var utils = torchSharp.GetTypeByMetadataName("TorchSharp.torch+nn+utils")!;
        var clip = Assert.Single(utils.GetMembers("clip_grad_norm_").OfType<IMethodSymbol>(),
            m => m.Parameters.Length == 3 && m.Parameters[0].Type.ToDisplayString().Contains("Parameter"));
        Assert.Equal(SpecialType.System_Double, clip.ReturnType.SpecialType);
        Assert.NotNull(torchSharp.GetTypeByMetadataName("TorchSharp.Modules.ParameterLessModule`2"));
    }

    [Fact]
    public void The_newest_package_in_the_packages_folder_is_preferred_and_named()
    {
        using var packages = new TempFolder();
        using var resource = typeof(TorchSharpLocator).Assembly.GetManifestResourceStream("NanGuard.Cli.TorchSharp.dll")!;
        using var image = new MemoryStream();
        resource.CopyTo(image);
        foreach (var version in new[] { "0.105.0", "0.107.0", "0.99.1" })
        {
            var lib = Directory.CreateDirectory(Path.Combine(packages.Path, "torchsharp", version, "lib", "netstandard2.0"));
            File.WriteAllBytes(Path.Combine(lib.FullName, "TorchSharp.dll"), image.ToArray());
        }

        var located = TorchSharpLocator.Locate(packages.Path);

        var expected = Path.Combine(packages.Path, "torchsharp", "0.107.0", "lib", "netstandard2.0", "TorchSharp.dll");
        Assert.Equal($"TorchSharp 0.107.0 from the package {expected}", located.Description);
    }
}
