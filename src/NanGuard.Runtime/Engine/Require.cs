using System;

namespace NanGuard.Runtime;

/// <summary>Argument checks that fail at once and name the argument.</summary>
internal static class Require
{
    internal static T NotNull<T>(T? value, string name)
        where T : class =>
        value ?? throw new ArgumentNullException(name);

    internal static double Positive(double value, string name, bool allowPositiveInfinity = false)
    {
        if (double.IsNaN(value) || value <= 0 || (double.IsPositiveInfinity(value) && !allowPositiveInfinity))
        {
            throw new ArgumentOutOfRangeException(name, value,
                allowPositiveInfinity ? "Must be greater than 0 (positive infinity allowed)." : "Must be finite and greater than 0.");
        }

        return value;
    }

    internal static double NonNegative(double value, string name)
    {
        if (!Numbers.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite and at least 0.");
        }

        return value;
    }

    internal static double OpenUnit(double value, string name)
    {
        if (double.IsNaN(value) || value <= 0 || value >= 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must lie strictly between 0 and 1.");
        }

        return value;
    }

    internal static double AboveOne(double value, string name)
    {
        if (!Numbers.IsFinite(value) || value <= 1)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite and greater than 1.");
        }

        return value;
    }

    internal static int AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Must be at least {minimum}.");
        }

        return value;
    }
}
