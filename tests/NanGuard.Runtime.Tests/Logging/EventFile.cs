using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Tensorboard;

namespace NanGuard.Testing.TensorBoard;

/// <summary>
/// Reads a TensorBoard event file back, as TensorBoard does, without TensorBoard: TFRecord framing (uint64 length,
/// masked CRC-32C of the length, the data, masked CRC-32C of the data, little-endian), both checksums checked, and
/// each record parsed as TensorBoard's protobuf <c>Event</c> (TorchSharp's generated class).
/// </summary>
internal sealed class EventFile
{
    private EventFile(string path, IReadOnlyList<Event> events)
    {
        Path = path;
        Events = events;
    }

    public string Path { get; }

    public IReadOnlyList<Event> Events { get; }

    /// <summary>The one event file in <paramref name="folder"/> (TorchSharp names it events.out.tfevents.*).</summary>
    public static EventFile InFolder(string folder)
    {
        var files = Directory.GetFiles(folder, "events.out.tfevents.*");
        if (files.Length != 1)
        {
            throw new InvalidDataException($"{folder} holds {files.Length} event files, not 1: {string.Join(", ", files)}");
        }

        return Read(files[0]);
    }

    /// <summary>Reads every record; a wrong checksum or a truncated record is an error naming its offset.</summary>
    public static EventFile Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        var at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12)
            {
                throw new InvalidDataException($"{path}: truncated record header at offset {at}");
            }

            var length = BitConverter.ToUInt64(bytes, at);
            if (Crc32C.Masked(bytes.AsSpan(at, 8)) != BitConverter.ToUInt32(bytes, at + 8))
            {
                throw new InvalidDataException($"{path}: the length's checksum is wrong at offset {at}");
            }

            var start = at + 12;
            if (length > (ulong)(bytes.Length - start - 4))
            {
                throw new InvalidDataException($"{path}: truncated record at offset {at}");
            }

            var data = bytes.AsSpan(start, (int)length);
            if (Crc32C.Masked(data) != BitConverter.ToUInt32(bytes, start + (int)length))
            {
                throw new InvalidDataException($"{path}: the data's checksum is wrong at offset {at}");
            }

            events.Add(Event.Parser.ParseFrom(data.ToArray()));
            at = start + (int)length + 4;
        }

        return new EventFile(path, events);
    }

    /// <summary>Every scalar written under <paramref name="tag"/>, as (step, value), in file order.</summary>
    public IReadOnlyList<(long Step, float Value)> Scalars(string tag) =>
        Values(tag).Where(v => v.Value.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
            .Select(v => (v.Step, v.Value.SimpleValue)).ToList();

    /// <summary>Every text written under <paramref name="tag"/> by <c>add_text</c> (stored as tag/text_summary), as (step, text).</summary>
    public IReadOnlyList<(long Step, string Text)> Texts(string tag) =>
        Values(tag + "/text_summary")
            .Where(v => v.Value.Metadata?.PluginData?.PluginName == "text")
            .Select(v => (v.Step, v.Value.Tensor.StringVal.Single().ToStringUtf8())).ToList();

    /// <summary>Every tag that has a value.</summary>
    public IReadOnlyCollection<string> Tags() =>
        Events.Where(e => e.Summary is not null).SelectMany(e => e.Summary.Value).Select(v => v.Tag).ToHashSet();

    /// <summary>The last value of a scalar tag.</summary>
    public float Last(string tag) => Scalars(tag)[^1].Value;

    private IEnumerable<(long Step, Summary.Types.Value Value)> Values(string tag) =>
        Events.Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Where(v => v.Tag == tag).Select(v => (e.Step, v)));
}

/// <summary>CRC-32C (Castagnoli), and TFRecord's mask: rotate right by 15 bits, add 0xa282ead8.</summary>
internal static class Crc32C
{
    private static readonly uint[] Table = Enumerable.Range(0, 256).Select(i =>
    {
        var c = (uint)i;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        }

        return c;
    }).ToArray();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    public static uint Masked(ReadOnlySpan<byte> data)
    {
        var crc = Compute(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }
}
