using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.LogSumExpAnalyzer,
    NanGuard.CodeFixes.Rules.LogSumExpCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class LogSumExpTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Static_and_instance_forms_become_logsumexp() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(torch.exp(x).sum(1))|];
                Tensor B(Tensor x) => [|x.exp().sum(1).log()|];
                Tensor D(Tensor x) => [|torch.log(torch.sum(torch.exp(x), 0, true))|];
                Tensor E(Tensor a, Tensor b) => [|(a - b).exp().sum(dim: 1, keepdim: true).log()|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.logsumexp(x, 1);
                Tensor B(Tensor x) => x.logsumexp(1);
                Tensor D(Tensor x) => torch.logsumexp(x, 0, true);
                Tensor E(Tensor a, Tensor b) => (a - b).logsumexp(dim: 1, keepdim: true);
            }
            """);

    [Fact]
    public Task Using_static_fully_qualified_and_through_a_local() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    var s = exp(x).sum(1);
                    return [|log(s)|];
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|TorchSharp.torch.log(TorchSharp.torch.exp(x).sum(1))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    return logsumexp(x, 1);
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => TorchSharp.torch.logsumexp(x, 1);
            }
            """);

    [Fact]
    public Task No_fix_without_exactly_one_dim_or_with_a_dtype() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(torch.exp(x).sum())|];
                Tensor B(Tensor x) => [|x.exp().sum(1, type: ScalarType.Float64).log()|];
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;
            using TorchSharp.Modules;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                private readonly Linear fc = nn.Linear(10, 3);
                public Net() : base(nameof(Net)) => RegisterComponents();
                public override Tensor forward(Tensor x) => [|torch.log(torch.exp(fc.call(x)).sum(1))|];
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|x.exp().sum(0).log()|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|y.exp().sum(1).log()|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => torch.logsumexp(x, 1);
                Tensor B(Tensor x) => torch.log(x.sum(1));
                Tensor D(Tensor x) => torch.log(torch.exp(x)).sum(1);
                Tensor E(Tensor x) => torch.log(torch.exp(x).mean());
                Tensor G(Tensor x)
                {
                    var e = torch.exp(x);
                    e = x;
                    return torch.log(e.sum(1));
                }
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
                    public sealed class Tensor { public Tensor exp() => this; public Tensor sum(long d) => this; public Tensor log() => this; }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => x.exp().sum(1).log();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
