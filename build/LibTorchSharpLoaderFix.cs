// The Debian 12 / Ubuntu 22.04 loader fix for TorchSharp 0.107.0's libLibTorchSharp.so (docs/getting-started.md).
//
// libLibTorchSharp.so was linked against GCC 13's libstdc++ and so names GLIBCXX_3.4.32 among the versions it needs.
// GCC 12's libstdc++ (Debian 12, Ubuntu 22.04) defines versions up to 3.4.30, and the dynamic loader refuses the
// library outright. The only symbol bound to 3.4.32 is std::ios_base_library_init(), a marker GCC 13 emits for every
// file that includes <iostream>; no relocation refers to it, so it is never looked up. Marking that one version need
// weak (VER_FLG_WEAK) lets the loader accept a libstdc++ without it. This file checks every one of those facts in the
// ELF file itself before it flips the flag, and changes nothing otherwise.
//
// Compiled by MSBuild's RoslynCodeTaskFactory (build/TorchSharp.Native.targets) and, for its tests, by
// tests/NanGuard.Runtime.Tests. No dependency beyond the BCL and MSBuild's task API.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace NanGuard.Build
{
    /// <summary>What <see cref="LibTorchSharpLoaderFix.Apply"/> did to one file.</summary>
    public enum LoaderFixOutcome
    {
        /// <summary>The need was marked weak now.</summary>
        Patched,
        /// <summary>The need was weak already (an earlier build patched this copy).</summary>
        AlreadyWeak,
        /// <summary>The file needs no GLIBCXX_3.4.32 from libstdc++: nothing to do.</summary>
        NotNeeded,
        /// <summary>Symbols that are really used are bound to GLIBCXX_3.4.32: weakening would only defer the failure.</summary>
        Unsafe,
    }

    /// <summary>Reads and patches the GNU symbol-versioning sections of a little-endian ELF64 shared library.</summary>
    public static class LibTorchSharpLoaderFix
    {
        /// <summary>The version GCC 13's libstdc++ introduced and GCC 12's lacks.</summary>
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>The library that defines <see cref="Version"/>.</summary>
        public const string Library = "libstdc++.so.6";

        /// <summary>GCC 13's iostream initialisation marker, the one symbol at that version that is never called.</summary>
        public const string MarkerSymbol = "_ZSt21ios_base_library_initv";

        private const ushort VerFlagWeak = 0x2;
        private const uint ShtRela = 4;
        private const uint ShtRel = 9;
        private const uint ShtDynSym = 11;
        private const uint ShtGnuVerDef = 0x6ffffffd;
        private const uint ShtGnuVerNeed = 0x6ffffffe;
        private const uint ShtGnuVerSym = 0x6fffffff;

        /// <summary>Marks the need for <see cref="Version"/> weak in <paramref name="path"/>, when that is safe.</summary>
        public static LoaderFixOutcome Apply(string path)
        {
            var image = File.ReadAllBytes(path);
            var outcome = Patch(image);
            if (outcome == LoaderFixOutcome.Patched)
                File.WriteAllBytes(path, image);
            return outcome;
        }

        /// <summary>
        /// The same as <see cref="Apply"/> on an image in memory: the only bytes it may change are the two of the
        /// need's flags.
        /// </summary>
        public static LoaderFixOutcome Patch(byte[] image)
        {
            var elf = new Elf(image);
            var need = elf.FindVersionNeed(Library, Version);
            if (need == null)
                return LoaderFixOutcome.NotNeeded;
            if ((need.Flags & VerFlagWeak) != 0)
                return LoaderFixOutcome.AlreadyWeak;
            if (!elf.OnlyUnreferencedMarkerAt(need.Index))
                return LoaderFixOutcome.Unsafe;
            elf.WriteUInt16(need.FlagsOffset, (ushort)(need.Flags | VerFlagWeak));
            return LoaderFixOutcome.Patched;
        }

        /// <summary>Whether the ELF file at <paramref name="path"/> defines <paramref name="version"/> (a libstdc++).</summary>
        public static bool DefinesVersion(string path, string version) =>
            new Elf(File.ReadAllBytes(path)).DefinesVersion(version);

        /// <summary>Whether the need for <see cref="Version"/> in the image is weak (null: there is no such need).</summary>
        public static bool? IsNeedWeak(byte[] image)
        {
            var need = new Elf(image).FindVersionNeed(Library, Version);
            return need == null ? (bool?)null : (need.Flags & VerFlagWeak) != 0;
        }

        /// <summary>
        /// The system's libstdc++ as the dynamic loader would find it in the usual places (LD_LIBRARY_PATH first), or
        /// null where there is none.
        /// </summary>
        public static string? FindSystemLibStdCxx()
        {
            var folders = new List<string>();
            var fromEnvironment = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment))
                folders.AddRange(fromEnvironment.Split(':'));
            folders.AddRange(new[]
            {
                "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
                "/lib64", "/usr/lib64", "/lib", "/usr/lib",
            });
            foreach (var folder in folders)
            {
                if (folder.Length == 0)
                    continue;
                var candidate = Path.Combine(folder, Library);
                if (File.Exists(candidate))
                    return candidate;
            }
            return null;
        }

        internal sealed class VersionNeed
        {
            public ushort Flags;
            public int FlagsOffset;
            public ushort Index;
        }

        /// <summary>Only the parts of ELF64 (little-endian) that symbol versioning needs.</summary>
        private sealed class Elf
        {
            private readonly byte[] image;
            private readonly List<Section> sections = new List<Section>();

            public Elf(byte[] image)
            {
                this.image = image;
                if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
                    throw new InvalidDataException("not an ELF file");
                if (image[4] != 2 || image[5] != 1)
                    throw new InvalidDataException("not a little-endian 64-bit ELF file");
                var sectionTable = checked((int)UInt64(0x28));
                var entrySize = UInt16(0x3A);
                var count = UInt16(0x3C);
                for (var i = 0; i < count; i++)
                {
                    var at = checked(sectionTable + i * entrySize);
                    sections.Add(new Section
                    {
                        Type = UInt32(at + 4),
                        Offset = checked((int)UInt64(at + 0x18)),
                        Size = checked((int)UInt64(at + 0x20)),
                        Link = UInt32(at + 0x28),
                        EntrySize = checked((int)UInt64(at + 0x38)),
                    });
                }
            }

            public VersionNeed? FindVersionNeed(string file, string version)
            {
                foreach (var section in SectionsOfType(ShtGnuVerNeed))
                {
                    var strings = sections[(int)section.Link];
                    var entry = section.Offset;
                    while (true)
                    {
                        var auxCount = UInt16(entry + 2);
                        var fileName = String(strings, UInt32(entry + 4));
                        var aux = entry + (int)UInt32(entry + 8);
                        for (var i = 0; i < auxCount; i++)
                        {
                            if (fileName == file && String(strings, UInt32(aux + 8)) == version)
                                return new VersionNeed { Flags = UInt16(aux + 4), FlagsOffset = aux + 4, Index = UInt16(aux + 6) };
                            var nextAux = UInt32(aux + 12);
                            if (nextAux == 0)
                                break;
                            aux += (int)nextAux;
                        }
                        var next = UInt32(entry + 12);
                        if (next == 0)
                            break;
                        entry += (int)next;
                    }
                }
                return null;
            }

            public bool DefinesVersion(string version)
            {
                foreach (var section in SectionsOfType(ShtGnuVerDef))
                {
                    var strings = sections[(int)section.Link];
                    var entry = section.Offset;
                    while (true)
                    {
                        var aux = entry + (int)UInt32(entry + 12);
                        if (String(strings, UInt32(aux)) == version)
                            return true;
                        var next = UInt32(entry + 16);
                        if (next == 0)
                            break;
                        entry += (int)next;
                    }
                }
                return false;
            }

            /// <summary>
            /// Whether every dynamic symbol bound to version <paramref name="index"/> is the iostream marker, and no
            /// relocation refers to any of them.
            /// </summary>
            public bool OnlyUnreferencedMarkerAt(ushort index)
            {
                var versions = SectionsOfType(ShtGnuVerSym);
                var symbolTables = SectionsOfType(ShtDynSym);
                if (versions.Count != 1 || symbolTables.Count != 1)
                    return false;
                var symbols = symbolTables[0];
                var strings = sections[(int)symbols.Link];
                var symbolTableIndex = (uint)sections.IndexOf(symbols);
                var atVersion = new HashSet<uint>();
                var count = symbols.Size / 24;
                for (var i = 0; i < count; i++)
                {
                    if ((UInt16(versions[0].Offset + 2 * i) & 0x7fff) != index)
                        continue;
                    if (String(strings, UInt32(symbols.Offset + 24 * i)) != MarkerSymbol)
                        return false;
                    atVersion.Add((uint)i);
                }
                foreach (var relocations in sections)
                {
                    if ((relocations.Type != ShtRela && relocations.Type != ShtRel) || relocations.Link != symbolTableIndex)
                        continue;
                    var size = relocations.EntrySize != 0 ? relocations.EntrySize : relocations.Type == ShtRela ? 24 : 16;
                    for (var at = relocations.Offset; at + size <= relocations.Offset + relocations.Size; at += size)
                    {
                        if (atVersion.Contains((uint)(UInt64(at + 8) >> 32)))
                            return false;
                    }
                }
                return true;
            }

            public void WriteUInt16(int offset, ushort value)
            {
                image[offset] = (byte)value;
                image[offset + 1] = (byte)(value >> 8);
            }

            private List<Section> SectionsOfType(uint type) => sections.FindAll(s => s.Type == type);

            private string String(Section table, uint offset)
            {
                var start = checked(table.Offset + (int)offset);
                var end = start;
                while (image[end] != 0)
                    end++;
                return Encoding.ASCII.GetString(image, start, end - start);
            }

            private ushort UInt16(int offset) => (ushort)(image[offset] | image[offset + 1] << 8);

            private uint UInt32(int offset) => (uint)(UInt16(offset) | UInt16(offset + 2) << 16);

            private ulong UInt64(int offset) => UInt32(offset) | (ulong)UInt32(offset + 4) << 32;

            private sealed class Section
            {
                public uint Type;
                public int Offset;
                public int Size;
                public uint Link;
                public int EntrySize;
            }
        }
    }

    /// <summary>
    /// The MSBuild task: applies <see cref="LibTorchSharpLoaderFix"/> to the copies of libLibTorchSharp.so in a build's
    /// output, when the system's libstdc++ lacks <see cref="LibTorchSharpLoaderFix.Version"/> (or <see cref="Always"/>).
    /// </summary>
    public sealed class WeakenLibTorchSharpGlibcxxNeed : Task
    {
        /// <summary>The copies in the build output (never the package cache).</summary>
        [Required]
        public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

        /// <summary>Patch whatever this machine's libstdc++ has (the output is deployed to another machine).</summary>
        public bool Always { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            var system = Always ? "the machine the app is deployed to" : LibTorchSharpLoaderFix.FindSystemLibStdCxx();
            if (system == null)
            {
                Log.LogMessage(MessageImportance.Normal, "NanGuard loader fix: no system " + LibTorchSharpLoaderFix.Library + " found; nothing changed.");
                return true;
            }
            if (!Always && LibTorchSharpLoaderFix.DefinesVersion(system, LibTorchSharpLoaderFix.Version))
            {
                Log.LogMessage(MessageImportance.Low, "NanGuard loader fix: " + system + " defines " + LibTorchSharpLoaderFix.Version + "; none needed.");
                return true;
            }
            foreach (var file in Files)
            {
                var path = file.ItemSpec;
                var outcome = LibTorchSharpLoaderFix.Apply(path);
                if (outcome == LoaderFixOutcome.Unsafe)
                    Log.LogWarning("NanGuard loader fix: " + path + " uses symbols of " + LibTorchSharpLoaderFix.Version +
                        " beyond GCC 13's iostream marker; left unchanged. The libstdc++ of " + system + " cannot load it.");
                else
                    Log.LogMessage(outcome == LoaderFixOutcome.Patched ? MessageImportance.High : MessageImportance.Low,
                        "NanGuard loader fix: " + path + ": " + Describe(outcome));
            }
            return !Log.HasLoggedErrors;
        }

        private static string Describe(LoaderFixOutcome outcome)
        {
            switch (outcome)
            {
                case LoaderFixOutcome.Patched: return "need for " + LibTorchSharpLoaderFix.Version + " marked weak.";
                case LoaderFixOutcome.AlreadyWeak: return "already weak.";
                default: return "needs no " + LibTorchSharpLoaderFix.Version + ".";
            }
        }
    }
}
