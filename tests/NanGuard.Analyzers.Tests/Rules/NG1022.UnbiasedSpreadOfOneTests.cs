using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.AnalyzerVerifier<NanGuard.Analyzers.Rules.UnbiasedSpreadOfOneAnalyzer>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class UnbiasedSpreadOfOneTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task A_dim_the_code_makes_size_one_is_flagged_in_each_form() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x.unsqueeze(0).std(0)|];
                Tensor B(Tensor batch, long i)
                {
                    var one = batch[i].unsqueeze(0);
                    return [|one.var(0, unbiased: true, keepdim: true)|];
                }
                Tensor D(Tensor x) => [|torch.std(x.view(1, -1), 0)|];
                Tensor E(Tensor x) => [|(x.reshape(4, 1, 8) * 2).@float().var(1)|];
                Tensor G(Tensor x) => [|x.unsqueeze(-1).std(-1)|];
                Tensor H(Tensor x) => [|x.view(1, 1, -1).std(new long[] { 0, 1 })|];
                Tensor I(Tensor x) => [|x.unsqueeze(1).unsqueeze(0).std(2)|];
                Tensor J(Tensor x) => [|x.view(2, 1).std(-1)|];
            }
            """);

    [Fact]
    public async Task Reported_as_a_warning_with_the_dim()
    {
        await Verify.VerifyAnalyzerAsync(Usings + """
            sealed class Norm : nn.Module<Tensor, Tensor>
            {
                public Norm() : base(nameof(Norm)) { }
                public override Tensor forward(Tensor x)
                {
                    var row = x.unsqueeze(0);
                    return (row - row.mean(new long[] { 0 })) / ({|#0:row.std(0)|} + 1e-5);
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithSeverity(DiagnosticSeverity.Info)
                .WithMessage("std over dim 0, which the code makes size 1: the unbiased std of one value divides by n - 1 = 0 and is NaN for every input; reduce over the dim the values vary along"));
    }

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => x.unsqueeze(0).std(1);
                Tensor B(Tensor x) => x.unsqueeze(0).std(0, unbiased: false);
                Tensor D(Tensor x) => x.view(2, -1).std(0);
                Tensor E(Tensor x) => x.std(0);
                Tensor G(Tensor x) => x.unsqueeze(0).std();
                Tensor H(Tensor x, long d) => x.unsqueeze(0).std(d);
                Tensor I(Tensor x) => x.view(1, 1, -1).std(new long[] { 0, 2 });
                Tensor J(Tensor x, bool b) => x.unsqueeze(0).var(0, unbiased: b);
                Tensor K(Tensor x, Tensor y) => (x.unsqueeze(0) + y).std(0);
                Tensor L(Tensor x, bool c)
                {
                    var t = x.unsqueeze(0);
                    if (c)
                        t = x.view(3, -1);
                    return t.std(0);
                }
                Tensor M(Tensor x) => x.unsqueeze(1).std(0);
                Tensor N(Tensor x) => x.unsqueeze(-2).std(-1);
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        test.TestCode = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor
                    {
                        public Tensor unsqueeze(long d) => this; public Tensor std(long d, bool unbiased = true) => this;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.unsqueeze(0).std(0);
            }
            """;
        await test.RunAsync();
    }
}
