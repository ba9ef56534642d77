namespace NanGuard.Runtime;

/// <summary>Finite checks that netstandard2.0 lacks (<c>double.IsFinite</c> arrived in .NET Core 2.1).</summary>
internal static class Numbers
{
    internal static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

    internal static bool IsFinite(double? value) => value.HasValue && IsFinite(value.Value);

    internal static string Format(double? value) =>
        value.HasValue ? value.Value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
