using System.Threading.Tasks;
using NanGuard.Testing;
using Xunit;
using Verify = NanGuard.Testing.CodeFixVerifier<
    NanGuard.Analyzers.Rules.XLogYAnalyzer,
    NanGuard.CodeFixes.Rules.XLogYCodeFix>;

namespace NanGuard.Analyzers.Tests.Rules;

public sealed class XLogYTests
{
    private const string Usings = """
        using TorchSharp;
        using static TorchSharp.torch;
        using F = TorchSharp.torch.nn.functional;

        """;

    [Fact]
    public Task Entropy_term_static_log_becomes_xlogy() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => -([|p * torch.log(p)|]).sum();
            }
            """, Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => -(torch.xlogy(p, p)).sum();
            }
            """);

    [Fact]
    public Task Instance_log_on_the_left_becomes_xlogy_with_the_factor_first() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => ([|p.log() * p|]).sum();
            }
            """, Usings + """
            class C
            {
                Tensor Entropy(Tensor p) => (torch.xlogy(p, p)).sum();
            }
            """);

    [Fact]
    public Task Binary_entropy_term_written_twice() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor H(Tensor p) => [|(1 - p) * torch.log(1 - p)|];
            }
            """, Usings + """
            class C
            {
                Tensor H(Tensor p) => torch.xlogy(1 - p, 1 - p);
            }
            """);

    [Fact]
    public Task Target_times_log_of_a_probability_normalised_by_hand() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor Loss(Tensor counts, Tensor y)
                {
                    var p = counts / counts.sum(1, keepdim: true);
                    return -([|y * torch.log(p)|]).sum();
                }
            }
            """, Usings + """
            class C
            {
                Tensor Loss(Tensor counts, Tensor y)
                {
                    var p = counts / counts.sum(1, keepdim: true);
                    return -(torch.xlogy(y, p)).sum();
                }
            }
            """);

    [Fact]
    public Task Using_static_and_fully_qualified_forms() =>
        Verify.VerifyCodeFixAsync("""
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor p) => [|p * log(p)|];
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor p) => [|p * TorchSharp.torch.log(p)|];
            }
            """, """
            using static TorchSharp.torch;

            class C
            {
                Tensor A(Tensor p) => xlogy(p, p);
                TorchSharp.torch.Tensor B(TorchSharp.torch.Tensor p) => TorchSharp.torch.xlogy(p, p);
            }
            """);

    [Fact]
    public Task Log_through_a_local_assigned_once() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor H(Tensor p)
                {
                    var logp = torch.log(p);
                    return [|p * logp|];
                }
            }
            """, Usings + """
            class C
            {
                Tensor H(Tensor p)
                {
                    return torch.xlogy(p, p);
                }
            }
            """);

    [Fact]
    public Task Flagged_inside_lambda_local_function_and_module_forward() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            using System;

            sealed class Net : nn.Module<Tensor, Tensor>
            {
                public Net() : base(nameof(Net)) { }
                public override Tensor forward(Tensor p) => ([|p * p.log()|]).sum();
            }

            class C
            {
                Func<Tensor, Tensor> f = p => [|p * torch.log(p)|];
                Tensor M(Tensor x)
                {
                    Tensor Inner(Tensor q) => [|q.log() * q|];
                    return Inner(x);
                }
            }
            """);

    [Fact]
    public Task Safe_look_alikes_are_not_flagged() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                // A log of something that is not a probability of the other factor.
                Tensor A(Tensor w, Tensor sigma) => w * torch.log(sigma);
                // Already guarded.
                Tensor B(Tensor p) => p * torch.log(p + 1e-8);
                Tensor D(Tensor p) => p * torch.log(p.clamp_min(1e-8));
                Tensor E(Tensor p) => torch.xlogy(p, p);
                // A scalar factor.
                Tensor G(Tensor p) => 0.5 * torch.log(p);
                Tensor H(Tensor p, Tensor q) => p * torch.log(q);
                Tensor I(Tensor p)
                {
                    var q = p;
                    q = p * 2;
                    return q * torch.log(p);
                }
            }
            """);

    [Fact]
    public Task Logs_of_softmax_and_sigmoid_are_left_to_NG1001_NG1002_and_NG1003() =>
        Verify.VerifyAnalyzerAsync(Usings + """
            class C
            {
                Tensor A(Tensor x, Tensor y) => -(y * torch.log(F.softmax(x, 1))).sum();
                Tensor B(Tensor x)
                {
                    var p = F.softmax(x, 1);
                    return -(p * torch.log(p)).sum(1);
                }
                Tensor D(Tensor x)
                {
                    var s = torch.sigmoid(x);
                    return s * torch.log(s) + (1 - s) * torch.log(1 - s);
                }
            }
            """);

    [Fact]
    public Task Fix_all_fixes_every_occurrence() =>
        Verify.VerifyCodeFixAsync(Usings + """
            class C
            {
                Tensor A(Tensor p) => [|p * torch.log(p)|] + [|p.log() * p|];
                Tensor B(Tensor q) => -([|q * q.log()|]);
            }
            """, Usings + """
            class C
            {
                Tensor A(Tensor p) => torch.xlogy(p, p) + torch.xlogy(p, p);
                Tensor B(Tensor q) => -(torch.xlogy(q, q));
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
                        public Tensor log() => this;
                        public static Tensor operator *(Tensor a, Tensor b) => a;
                    }
                }
            }
            class C
            {
                TorchSharp.torch.Tensor M(TorchSharp.torch.Tensor p) => p * p.log();
            }
            """;
        test.TestCode = source;
        // The fix offers nothing: the code stays as it is.
        test.FixedCode = source;
        await test.RunAsync();
    }
}
