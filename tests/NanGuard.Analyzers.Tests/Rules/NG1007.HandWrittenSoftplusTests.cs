using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.HandWrittenSoftplusAnalyzer,
    NanGuard.CodeFixes.Rules.HandWrittenSoftplusCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class HandWrittenSoftplusTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Static_and_instance_forms_become_softplus() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => [|torch.log(1 + torch.exp(x))|];
                Tensor B(Tensor x) => [|(x.exp() + 1.0).log()|];
                Tensor D(Tensor x) => [|torch.log(1f + torch.exp(-x))|];
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor x) => F.softplus(x);
                Tensor B(Tensor x) => x.softplus();
                Tensor D(Tensor x) => F.softplus(-x);
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
                    var e = exp(x);
                    var t = 1 + e;
                    return [|log(t)|];
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => [|TorchSharp.torch.log(1 + TorchSharp.torch.exp(x))|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor x)
                {
                    return nn.functional.softplus(x);
                }
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor x) => nn.functional.softplus(x);
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
                public override Tensor forward(Tensor x) => [|torch.log(1 + torch.exp(fc.call(x)))|];
            }

            class C
            {
                Func<Tensor, Tensor> f = x => [|(1 + x.exp()).log()|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor y) => [|torch.log(torch.exp(y) + 1)|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x) => F.softplus(x);
                Tensor B(Tensor x) => torch.log(2 + torch.exp(x));
                Tensor D(Tensor x) => torch.log(1 + x);
                Tensor E(Tensor x) => torch.log(1 - torch.exp(x));
                Tensor G(Tensor x) => torch.log1p(torch.exp(x).clamp_max(1e30));
            }
            """);

    [Fact]
    public Task No_fix_where_the_input_changed_after_the_exp() =>
        Verify.VerifyNoFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor logits)
                {
                    var x = logits;
                    var e = torch.exp(x);
                    x = x * 2;
                    return [|torch.log(1 + e)|];
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
                    public sealed class Tensor
                    {
                        public Tensor exp() => this;
                        public Tensor log() => this;
                        public static Tensor operator +(int a, Tensor b) => b;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor x) => (1 + x.exp()).log();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
