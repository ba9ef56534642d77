using System.Globalization;
using NanGuard.Analyzers.Infrastructure;
using Xunit;

namespace NanGuard.Analyzers.Tests.Infrastructure;

public sealed class NanGuardOptionsTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e-8, "1e-8")]
    [InlineData(2.5e-7, "2.5e-7")]
    [InlineData(1e20, "1e20")]
    [InlineData(12.0, "12.0")]
    public void Literal_is_written_as_people_write_it_and_reads_back_exactly(double value, string literal)
    {
        Assert.Equal(literal, NanGuardOptions.ToLiteral(value));
        Assert.Equal(value, double.Parse(literal, CultureInfo.InvariantCulture));
    }
}
