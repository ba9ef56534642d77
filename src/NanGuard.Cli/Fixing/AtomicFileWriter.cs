using System;
using System.Collections.Generic;
using System.IO;

namespace NanGuard.Cli.Fixing;

/// <summary>
/// Replaces files so that each is either as it was or fully rewritten, never half written: the new bytes go to a
/// temporary file in the same folder (same file system, so the final rename is atomic), are flushed to disk, and the
/// temporary file then replaces the original in one rename.
/// </summary>
public static class AtomicFileWriter
{
    /// <summary>The prefix of temporary files; a crashed run leaves at most such a file, never a damaged source.</summary>
    public const string TempPrefix = ".nanguard-";

    /// <summary>Replaces <paramref name="path"/> with <paramref name="bytes"/> atomically.</summary>
    /// <param name="path">The file to replace.</param>
    /// <param name="bytes">Its new content.</param>
    /// <param name="beforeReplace">Called with the temporary file's path once it is written, just before the rename (tests inject failures here).</param>
    public static void Replace(string path, byte[] bytes, Action<string>? beforeReplace = null)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(directory, TempPrefix + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            CopyPermissions(full, temp);
            beforeReplace?.Invoke(temp);
            MoveOver(temp, full);
        }
        finally
        {
            if (File.Exists(temp))
                TryDelete(temp);
        }
    }

    /// <summary>
    /// Writes every file in <paramref name="files"/>: all new contents are computed before this is called, so a
    /// failure here leaves each file either as it was or fully replaced. Returns the files that could not be written.
    /// </summary>
    public static IReadOnlyList<(string Path, Exception Error)> ReplaceAll(IEnumerable<(string Path, byte[] Bytes)> files, Action<string>? beforeReplace = null)
    {
        var failures = new List<(string, Exception)>();
        foreach (var (path, bytes) in files)
        {
            try
            {
                Replace(path, bytes, beforeReplace);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                failures.Add((path, error));
            }
        }
        return failures;
    }

    /// <summary>
    /// True when <paramref name="path"/> is marked read-only: the read-only attribute, or on Unix a mode without the
    /// owner's write permission (which the rename would otherwise go round, for root as for the owner).
    /// </summary>
    public static bool IsReadOnly(string path) =>
        File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly)
        || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserWrite) == 0);

    // Windows refuses to rename over a read-only file: lift the attribute for the rename and put it back after.
    private static void MoveOver(string temp, string target)
    {
        var attributes = File.Exists(target) ? File.GetAttributes(target) : FileAttributes.Normal;
        var readOnlyOnWindows = OperatingSystem.IsWindows() && attributes.HasFlag(FileAttributes.ReadOnly);
        if (readOnlyOnWindows)
            File.SetAttributes(target, attributes & ~FileAttributes.ReadOnly);
        try
        {
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (readOnlyOnWindows)
                File.SetAttributes(target, File.GetAttributes(target) | FileAttributes.ReadOnly);
        }
    }

    private static void CopyPermissions(string original, string temp)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(original))
            return;
        File.SetUnixFileMode(temp, File.GetUnixFileMode(original));
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
