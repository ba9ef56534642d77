using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using NanGuard.Build;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace NanGuard.Runtime.Tests.Tensors;

/// <summary>A test of the Linux-only loader fix (libLibTorchSharp.so is an ELF file only there).</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "The loader fix patches a Linux ELF library.";
        }
    }
}

/// <summary>libtorch loads and computes: if the loader fix stops working, this fails first and plainly.</summary>
[Collection(LibTorchCollection.Name)]
public sealed class LibTorchLoadsTests
{
    [Fact]
    public void Libtorch_2_10_loads_and_computes_on_the_CPU()
    {
        using var scope = torch.NewDisposeScope();

        var six = (torch.ones(3) * 2).sum();

        Assert.Equal(6f, six.item<float>());
        Assert.Equal(DeviceType.CPU, six.device_type);
        Assert.StartsWith("2.10", torch.__version__, StringComparison.Ordinal);
    }
}

/// <summary>
/// build/LibTorchSharpLoaderFix.cs on the real libLibTorchSharp.so of the TorchSharp package (read from the NuGet
/// package folder, never written there), on copies in memory or in a temporary folder.
/// </summary>
public sealed class LoaderFixTests
{
    private static readonly Lazy<byte[]> Original = new(() => File.ReadAllBytes(PackageLibrary()));

    [LinuxFact]
    public void Patch_marks_the_GLIBCXX_3_4_32_need_weak_by_setting_one_flag_bit_and_nothing_else()
    {
        var original = Original.Value;
        Assert.False(LibTorchSharpLoaderFix.IsNeedWeak(original));
        var image = (byte[])original.Clone();

        Assert.Equal(LoaderFixOutcome.Patched, LibTorchSharpLoaderFix.Patch(image));

        Assert.True(LibTorchSharpLoaderFix.IsNeedWeak(image));
        var changed = Differences(original, image);
        var at = Assert.Single(changed);
        Assert.Equal(original[at] | 0x2, image[at]);
    }

    [LinuxFact]
    public void Patch_is_idempotent_a_second_call_finds_the_need_weak_and_changes_nothing()
    {
        var image = (byte[])Original.Value.Clone();
        LibTorchSharpLoaderFix.Patch(image);
        var once = (byte[])image.Clone();

        Assert.Equal(LoaderFixOutcome.AlreadyWeak, LibTorchSharpLoaderFix.Patch(image));

        Assert.Equal(once, image);
    }

    [LinuxFact]
    public void Apply_patches_a_file_in_place_once_and_then_leaves_it_alone()
    {
        var folder = Directory.CreateTempSubdirectory("nanguard-loaderfix-");
        try
        {
            var path = Path.Combine(folder.FullName, "libLibTorchSharp.so");
            File.WriteAllBytes(path, Original.Value);
            var expected = (byte[])Original.Value.Clone();
            LibTorchSharpLoaderFix.Patch(expected);

            Assert.Equal(LoaderFixOutcome.Patched, LibTorchSharpLoaderFix.Apply(path));
            Assert.Equal(expected, File.ReadAllBytes(path));
            var written = File.GetLastWriteTimeUtc(path);
            Assert.Equal(LoaderFixOutcome.AlreadyWeak, LibTorchSharpLoaderFix.Apply(path));
            Assert.Equal(expected, File.ReadAllBytes(path));
            Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [LinuxFact]
    public void A_library_that_needs_no_GLIBCXX_3_4_32_is_NotNeeded_and_left_unchanged()
    {
        var system = LibTorchSharpLoaderFix.FindSystemLibStdCxx();
        Assert.NotNull(system);
        var libraries = new[] { system!, Path.Combine(NativeFolder(), "libc10.so") };

        foreach (var library in libraries)
        {
            var image = File.ReadAllBytes(library);
            var copy = (byte[])image.Clone();
            Assert.Null(LibTorchSharpLoaderFix.IsNeedWeak(copy));
            Assert.Equal(LoaderFixOutcome.NotNeeded, LibTorchSharpLoaderFix.Patch(copy));
            Assert.Equal(image, copy);
        }
    }

    [LinuxFact]
    public void The_output_folders_copy_is_weak_exactly_when_the_system_libstdcxx_lacks_GLIBCXX_3_4_32()
    {
        var system = LibTorchSharpLoaderFix.FindSystemLibStdCxx();
        Assert.NotNull(system);
        Assert.True(LibTorchSharpLoaderFix.DefinesVersion(system!, "GLIBCXX_3.4"), "every libstdc++ defines GLIBCXX_3.4");
        Assert.False(LibTorchSharpLoaderFix.DefinesVersion(system!, "GLIBCXX_9.9.99"));
        var lacksVersion = !LibTorchSharpLoaderFix.DefinesVersion(system!, LibTorchSharpLoaderFix.Version);

        var copy = File.ReadAllBytes(Path.Combine(NativeFolder(), "libLibTorchSharp.so"));

        Assert.Equal(lacksVersion, LibTorchSharpLoaderFix.IsNeedWeak(copy));
        Assert.Equal(lacksVersion ? 1 : 0, Differences(Original.Value, copy).Count);
    }

    [LinuxFact]
    public void A_symbol_other_than_the_iostream_marker_at_GLIBCXX_3_4_32_makes_the_patch_Unsafe_and_changes_nothing()
    {
        var image = (byte[])Original.Value.Clone();
        var renamed = RenameDynamicString(image, LibTorchSharpLoaderFix.MarkerSymbol, LibTorchSharpLoaderFix.MarkerSymbol[..^1] + "w");
        Assert.True(renamed > 0);
        var mutated = (byte[])image.Clone();

        Assert.Equal(LoaderFixOutcome.Unsafe, LibTorchSharpLoaderFix.Patch(image));

        Assert.Equal(mutated, image);
        Assert.False(LibTorchSharpLoaderFix.IsNeedWeak(image));
    }

    /// <summary>Renames every NUL-delimited occurrence of a symbol name (same length): the symbol bound there is then another one.</summary>
    private static int RenameDynamicString(byte[] image, string from, string to)
    {
        var needle = Encoding.ASCII.GetBytes(from + "\0");
        var replacement = Encoding.ASCII.GetBytes(to + "\0");
        var count = 0;
        for (var i = 1; i + needle.Length <= image.Length; i++)
        {
            if (image[i - 1] == 0 && image.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                replacement.CopyTo(image, i);
                count++;
            }
        }

        return count;
    }

    private static List<int> Differences(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        return Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
    }

    /// <summary>The test output's native folder, where the build copied (and, when needed, patched) the libraries.</summary>
    private static string NativeFolder() => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    /// <summary>The package's own libLibTorchSharp.so, in the NuGet package folder (NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    private static string PackageLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
        {
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        var version = typeof(torch).Assembly.GetName().Version!;
        var path = Path.Combine(packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), "TorchSharp's native library is not at " + path);
        return path;
    }
}
