using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.SqrtOfSumOfSquaresAnalyzer,
    NanGuard.CodeFixes.Rules.SqrtOfSumOfSquaresCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class SqrtOfSumOfSquaresTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Instance_form_becomes_norm() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|x.pow(2).sum(1).sqrt()|];
                Tensor B(Tensor x) => [|(x * x).sum(1, keepdim: true).sqrt()|];
                Tensor D(Tensor x) => [|x.pow(2).sum().pow(0.5)|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => x.norm(1);
                Tensor B(Tensor x) => x.norm(1, keepdim: true);
                Tensor D(Tensor x) => x.norm();
            }
            """);

    [Fact]
    public Task Static_form_becomes_vector_norm() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.sqrt(torch.sum(x * x, 1))|];
                Tensor B(Tensor x) => [|torch.sqrt((x * x).sum())|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.linalg.vector_norm(x, dims: new long[] { 1 });
                Tensor B(Tensor x) => torch.linalg.vector_norm(x);
            }
            """);

    [Fact]
    public Task Using_static_fully_qualified_and_through_locals() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    var sq = x * x;
                    var s = sq.sum(-1);
                    return [|sqrt(s)|];
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|TorchSharp.torch.sqrt(x.pow(2).sum(1))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    return linalg.vector_norm(x, dims: new long[] { -1 });
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => TorchSharp.torch.linalg.vector_norm(x, dims: new long[] { 1 });
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor x) => [|x.pow(2).sum(1).sqrt()|];
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|torch.sqrt((x * x).sum(1))|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|y.pow(2).sum().sqrt()|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.sqrt((x * x).sum(1) + 1e-8);
                Tensor B(Tensor x) => torch.sqrt(x.sum(1));
                Tensor D(Tensor x, Tensor y) => torch.sqrt((x * y).sum(1));
                Tensor E(Tensor x) => x.pow(3).sum(1).sqrt();
                Tensor G(Tensor x) => x.pow(2).sum(1).pow(2);
                Tensor H(Tensor x) => x.norm(1);
            }
            """);

    [Fact]
    public Task No_fix_where_the_sum_has_a_dtype() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|(x * x).sum(1, type: ScalarType.Float64).sqrt()|];
            }
            """);

    [Fact]
    public async Task Nothing_is_registered_without_TorchSharp()
    {
        var test = Verify.Test();
        test.References = TestReferences.WithoutTorchSharp;
        var source = """
            namespace TorchSharp
            {
                public static class torch
                {
                    public sealed class Tensor { public Tensor pow(double e) => this; public Tensor sum(long d) => this; public Tensor sqrt() => this; }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.pow(2).sum(1).sqrt();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
