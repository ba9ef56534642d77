using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using Verify = NanGuard.Testing.AnalyzerVerifier<NanGuard.Analyzers.Rules.UnclippedStepAnalyzer>;

namespace NanGuard.Analyzers.Tests.Rules;

/// <summary>NG2001 raises its severity for a loss that NG1003 to NG1007 flag.</summary>
public sealed class UnclippedStepNumericsATests
{
    [Theory]
    [InlineData("torch.log(torch.sigmoid(model.call(x))).mean()", "NG1003")]
    [InlineData("F.binary_cross_entropy(torch.sigmoid(model.call(x)), y)", "NG1004")]
    [InlineData("-(y * torch.log(torch.sigmoid(x)) + (1 - y) * torch.log(1 - torch.sigmoid(x))).mean()", "NG1004")]
    [InlineData("torch.log(torch.exp(model.call(x)).sum(1)).mean()", "NG1005")]
    [InlineData("(torch.exp(x) / torch.exp(x).sum(1, keepdim: true)).mean()", "NG1006")]
    [InlineData("torch.log(1 + torch.exp(model.call(x))).mean()", "NG1007")]
    public async Task A_loss_with_a_numerics_hazard_makes_the_unclipped_step_a_warning(string loss, string id)
    {
        await Verify.VerifyAnalyzerAsync($$"""
            using TorchSharp;
            using static TorchSharp.torch;
            using F = TorchSharp.torch.nn.functional;

            class C
            {
                void Train(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
                {
                    var optimizer = torch.optim.SGD(model.parameters(), 0.001);
                    for (var i = 0; i < 10; i++)
                    {
                        optimizer.zero_grad();
                        var loss = {{loss}};
                        {|#1:loss.backward()|};
                        {|#0:optimizer.step()|};
                    }
                }
            }
            """,
            Verify.Diagnostic().WithLocation(0).WithLocation(1).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments($" (the loss is numerically unstable, {id})", UnclippedStepClaims.Sgd));
    }
}
