// An older TorchSharp shape (before 0.107: the subset NanGuard touches), kept as data for the variant tests.
// Shapes follow TorchSharp's src/TorchSharp/Scalar.cs.
using System;

namespace TorchSharp;

public sealed class Scalar : IDisposable
{
    internal Scalar() => throw null!;

    public static implicit operator Scalar(byte value) => throw null!;
    public static implicit operator Scalar(sbyte value) => throw null!;
    public static implicit operator Scalar(short value) => throw null!;
    public static implicit operator Scalar(int value) => throw null!;
    public static implicit operator Scalar(long value) => throw null!;
    public static implicit operator Scalar(float value) => throw null!;
    public static implicit operator Scalar(double value) => throw null!;
    public static implicit operator Scalar(bool value) => throw null!;
    public static implicit operator Scalar((float, float) value) => throw null!;
    public static implicit operator Scalar(System.Numerics.Complex value) => throw null!;

    public torch.ScalarType Type => throw null!;

    public void Dispose() => throw null!;
}

public static class ScalarExtensionMethods
{
    public static Scalar ToScalar(this byte value) => throw null!;
    public static Scalar ToScalar(this sbyte value) => throw null!;
    public static Scalar ToScalar(this short value) => throw null!;
    public static Scalar ToScalar(this int value) => throw null!;
    public static Scalar ToScalar(this long value) => throw null!;
    public static Scalar ToScalar(this float value) => throw null!;
    public static Scalar ToScalar(this double value) => throw null!;
    public static Scalar ToScalar(this (float, float) value) => throw null!;
    public static Scalar ToScalar(this System.Numerics.Complex value) => throw null!;
    public static Scalar ToScalar(this bool value) => throw null!;

    public static float ToSingle(this Scalar value) => throw null!;
    public static double ToDouble(this Scalar value) => throw null!;
    public static sbyte ToSByte(this Scalar value) => throw null!;
    public static byte ToByte(this Scalar value) => throw null!;
    public static short ToInt16(this Scalar value) => throw null!;
    public static int ToInt32(this Scalar value) => throw null!;
    public static long ToInt64(this Scalar value) => throw null!;
    public static bool ToBoolean(this Scalar value) => throw null!;
}
